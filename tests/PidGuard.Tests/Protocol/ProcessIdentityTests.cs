using PidGuard.Platform;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// What proves a PID to be the daemon: the state file's PID, start-time token and boot id all match
/// the live process. A live PID alone, a token from another process or a file from another boot proves nothing.
/// </summary>
public class ProcessIdentityTests
{
    private static readonly int Self = Environment.ProcessId;
    private static readonly IPlatform P = Platforms.Current;

    private static DaemonStateRecord Record(int? pid = null, string? token = "live", string? bootId = "live") => new()
    {
        Name = "d",
        Pid = pid ?? Self,
        StartToken = token == "live" ? ProcessIdentity.GetStartToken(pid ?? Self) : token,
        BootId = bootId == "live" ? ProcessIdentity.BootId : bootId,
    };

    [Fact]
    public void The_live_process_with_its_token_and_boot_is_proven()
    {
        Assert.NotNull(ProcessIdentity.BootId);
        Assert.Null(ProcessIdentity.Mismatch(Self, Record(), P));
        Assert.True(ProcessIdentity.Matches(Self, Record()));
    }

    [Fact]
    public void A_state_file_written_in_another_boot_never_proves_a_live_pid_with_a_matching_token()
    {
        var record = Record(bootId: "00000000-0000-0000-0000-000000000000");
        Assert.Equal("the state file was written before the last reboot", ProcessIdentity.Mismatch(Self, record, P));
        Assert.False(ProcessIdentity.Matches(Self, record));
    }

    [Fact]
    public void A_state_file_without_a_boot_id_is_proven_by_the_token_alone() =>
        Assert.Null(ProcessIdentity.Mismatch(Self, Record(bootId: null), P));

    [Fact]
    public void On_a_platform_without_boot_ids_the_token_alone_proves_the_process()
    {
        var noBootId = new NoBootId();
        Assert.Null(ProcessIdentity.Mismatch(Self, Record(bootId: "from-a-platform-that-had-one"), noBootId));
        Assert.NotNull(ProcessIdentity.Mismatch(Self, Record(token: "1", bootId: "x"), noBootId));
    }

    [Fact]
    public void A_live_pid_whose_start_token_differs_is_never_proven()
    {
        string live = ProcessIdentity.GetStartToken(Self)!;
        var record = Record(token: live + "0");
        Assert.Equal($"PID {Self} now belongs to another process (start time {live}, expected {live}0): the PID was reused", ProcessIdentity.Mismatch(Self, record, P));
        Assert.False(ProcessIdentity.Matches(Self, record));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_live_pid_without_a_recorded_token_is_never_proven(string? token) =>
        Assert.Equal("the state file records no start-time token", ProcessIdentity.Mismatch(Self, Record(token: token), P));

    [Fact]
    public void A_live_pid_without_a_state_record_is_never_proven() =>
        Assert.Equal("there is no readable state file to prove its identity", ProcessIdentity.Mismatch(Self, null, P));

    [Fact]
    public void A_live_pid_that_the_state_file_does_not_name_is_never_proven()
    {
        // PID 1 is alive and the record is ours: only the PID in the record proves anything.
        Assert.Equal($"the state file names PID {Self}, the pid file PID 1", ProcessIdentity.Mismatch(1, Record(), P));
    }

    [Fact]
    public void A_recorded_process_that_is_gone_is_not_proven()
    {
        int dead = InstanceLockTests.DeadPid();
        var record = Record(pid: dead, token: "123");
        Assert.Equal($"no process with PID {dead} exists (the recorded process is gone)", ProcessIdentity.Mismatch(dead, record, P));
    }

    [Fact]
    public void Liveness_is_kill_0_and_pids_below_1_are_never_alive()
    {
        Assert.True(ProcessIdentity.IsAlive(Self));
        Assert.False(ProcessIdentity.IsAlive(InstanceLockTests.DeadPid()));
        Assert.False(ProcessIdentity.IsAlive(0));
        Assert.False(ProcessIdentity.IsAlive(-5));
        var everythingGone = new KillAnswers(SignalResult.NoSuchProcess);
        Assert.True(ProcessIdentity.IsAlive(1, everythingGone)); // init always exists, whatever kill says
        Assert.False(ProcessIdentity.IsAlive(Self, everythingGone));
        Assert.True(ProcessIdentity.IsAlive(Self, new KillAnswers(SignalResult.PermissionDenied))); // EPERM: it exists
        Assert.False(ProcessIdentity.IsAlive(0, new KillAnswers(SignalResult.Delivered)));
    }

    [Fact]
    public void The_supervisor_is_proven_by_its_own_pid_and_token()
    {
        var record = Record(pid: 1, token: "t");
        record.Supervisor = new ProcessRecord { Pid = Self, StartToken = ProcessIdentity.GetStartToken(Self) };
        Assert.Null(ProcessIdentity.SupervisorMismatch(record, P));
        Assert.Null(DaemonIdentity.MainOrSupervisorProblem(Self, record, null, P));
        // The main process named in the record is checked as the main process, not as the supervisor.
        Assert.Equal("PID 1 now belongs to another process (start time " + ProcessIdentity.GetStartToken(1) + ", expected t): the PID was reused",
            DaemonIdentity.MainOrSupervisorProblem(1, record, null, P));
    }

    [Fact]
    public void A_supervisor_recorded_as_the_main_process_is_checked_as_the_main_process()
    {
        var record = Record(token: "wrong");
        record.Supervisor = new ProcessRecord { Pid = Self, StartToken = ProcessIdentity.GetStartToken(Self) };
        Assert.StartsWith($"PID {Self} now belongs to another process", DaemonIdentity.MainOrSupervisorProblem(Self, record, null, P), StringComparison.Ordinal);
    }

    [Fact]
    public void A_supervisor_with_a_wrong_token_or_from_another_boot_is_not_proven()
    {
        var record = Record();
        record.Pid = 1;
        record.Supervisor = new ProcessRecord { Pid = Self, StartToken = "wrong" };
        Assert.StartsWith($"PID {Self} now belongs to another process", ProcessIdentity.SupervisorMismatch(record, P), StringComparison.Ordinal);
        Assert.Contains("expected wrong", DaemonIdentity.MainOrSupervisorProblem(Self, record, null, P), StringComparison.Ordinal);
        record.Supervisor = new ProcessRecord { Pid = Self, StartToken = ProcessIdentity.GetStartToken(Self) };
        record.BootId = "another-boot";
        Assert.Equal("the state file was written before the last reboot", ProcessIdentity.SupervisorMismatch(record, P));
        int dead = InstanceLockTests.DeadPid();
        record.BootId = ProcessIdentity.BootId;
        record.Supervisor = new ProcessRecord { Pid = dead, StartToken = "1" };
        Assert.Equal($"no process with PID {dead} exists (the recorded supervisor is gone)", ProcessIdentity.SupervisorMismatch(record, P));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(0)]
    public void No_supervisor_or_one_at_pid_1_or_below_is_no_supervisor(int? pid)
    {
        var record = Record();
        record.Supervisor = pid is { } s ? new ProcessRecord { Pid = s, StartToken = ProcessIdentity.GetStartToken(1) } : null;
        Assert.Equal("the state file records no supervisor", ProcessIdentity.SupervisorMismatch(record, P));
        Assert.Equal("the state file records no supervisor", ProcessIdentity.SupervisorMismatch(null, P));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_supervisor_without_a_token_is_not_proven(string? token)
    {
        var record = Record();
        record.Supervisor = new ProcessRecord { Pid = Self, StartToken = token };
        Assert.Equal("the state file records no start-time token for the supervisor", ProcessIdentity.SupervisorMismatch(record, P));
    }

    private sealed class NoBootId : DelegatingPlatform
    {
        public override string? BootId => null;
    }

    private sealed class KillAnswers(SignalResult answer) : DelegatingPlatform
    {
        public override SignalResult Kill(int pid, int signal) => signal == 0 ? answer : throw new InvalidOperationException("only kill(pid, 0) is expected");
    }
}
