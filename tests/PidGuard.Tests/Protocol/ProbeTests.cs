using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// Every status the probe can give, in-process: the lock is held by another open file description of
/// this process where a holder is needed, and the files are written as a holder (or a crash) leaves them.
/// </summary>
public sealed class ProbeTests : IDisposable
{
    private static readonly int Self = Environment.ProcessId;
    private readonly TestDir _dir = new();
    private readonly IPlatform _p = Platforms.Current;
    private readonly List<IDisposable> _held = [];

    public ProbeTests() => RuntimeDirectory.Ensure(_dir.Runtime);

    public void Dispose()
    {
        foreach (var h in _held)
            h.Dispose();
        _dir.Dispose();
    }

    private PidGuardOptions Quick => _dir.Options(o => o.OwnerWaitWindow = TimeSpan.Zero);

    private DaemonStatus Status(string name, IPlatform? p = null) => DaemonProbe.GetStatus(_dir.Paths(name), Quick, p ?? _p);

    private DaemonPaths Hold(string name)
    {
        var paths = _dir.Paths(name);
        _held.Add(LockFile.TryLockExclusive(_p, paths.LockFile)!);
        return paths;
    }

    private DaemonPaths Free(string name)
    {
        var paths = _dir.Paths(name);
        using (LockFile.TryLockExclusive(_p, paths.LockFile)!)
        {
        }
        return paths;
    }

    internal static DaemonStateRecord Proven(int pid, string name = "d") => new()
    {
        Name = name,
        Pid = pid,
        StartToken = ProcessIdentity.GetStartToken(pid),
        BootId = ProcessIdentity.BootId,
        StartedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
    };

    /// <summary>The lock held by a supervisor (this process) that records itself as the main process: no program runs.</summary>
    private (DaemonPaths Paths, DaemonStateRecord Record) HeldBySupervisorOnly(string name, string? phase)
    {
        var paths = Hold(name);
        var record = Proven(Self, name);
        record.Supervisor = new ProcessRecord { Pid = Self, StartToken = record.StartToken };
        record.Phase = phase;
        Write(paths, record);
        return (paths, record);
    }

    private static void Write(DaemonPaths paths, DaemonStateRecord? record = null, string? pid = null)
    {
        if (record is not null)
            File.WriteAllBytes(paths.StateFile, StateFile.Serialize(record));
        if (pid is not null)
            File.WriteAllText(paths.PidFile, pid);
    }

    [Fact]
    public void A_missing_runtime_directory_is_NotRunning_and_says_so()
    {
        var s = DaemonProbe.GetStatus(DaemonPaths.For("d", Path.Join(_dir.Root, "absent")), Quick, _p);
        Assert.Equal(DaemonState.NotRunning, s.State);
        Assert.Equal($"the runtime directory '{Path.Join(_dir.Root, "absent")}' does not exist", s.Reason);
    }

    [Fact]
    public void An_unsafe_runtime_directory_is_Unknown()
    {
        File.SetUnixFileMode(_dir.Runtime, (UnixFileMode)Convert.ToInt32("777", 8));
        var s = Status("d");
        Assert.Equal(DaemonState.Unknown, s.State);
        Assert.Contains("group- or world-writable", s.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_proven_holder_is_Running_verified_with_uptime_and_no_reason()
    {
        var paths = Hold("up");
        var record = Proven(Self, "up");
        Write(paths, record, $"{Self}\n");
        var s = Status("up");
        Assert.Equal(DaemonState.Running, s.State);
        Assert.Equal(Self, s.Pid);
        Assert.True(s.IsIdentityVerified);
        Assert.Null(s.Reason);
        Assert.Null(s.Supervisor);
        Assert.Empty(s.Holders);
        Assert.InRange(s.Uptime!.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(5));
        Assert.Equal("up", s.Record!.Name);
    }

    [Fact]
    public void A_proven_holder_without_a_pid_file_is_Running_and_says_the_pid_file_is_missing()
    {
        var paths = Hold("nopid");
        Write(paths, Proven(Self, "nopid"));
        var s = Status("nopid");
        Assert.Equal(DaemonState.Running, s.State);
        Assert.Equal(Self, s.Pid);
        Assert.True(s.IsIdentityVerified);
        Assert.Equal("its pid file is missing", s.Reason);
    }

    [Fact]
    public void A_proven_holder_whose_pid_file_names_another_process_is_Running_at_the_proven_pid()
    {
        var paths = Hold("other");
        Write(paths, Proven(Self, "other"), "1\n");
        var s = Status("other");
        Assert.Equal(DaemonState.Running, s.State);
        Assert.Equal(Self, s.Pid);
        Assert.True(s.IsIdentityVerified);
        Assert.StartsWith("its pid file does not name it: ", s.Reason, StringComparison.Ordinal);
        Assert.Contains("PID 1 (init)", s.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_program_whose_recorded_supervisor_is_gone_is_Running_and_says_so()
    {
        var paths = Hold("orphan");
        var record = Proven(Self, "orphan");
        int dead = InstanceLockTests.DeadPid();
        record.Supervisor = new ProcessRecord { Pid = dead, StartToken = "1" };
        Write(paths, record, $"{Self}\n");
        var s = Status("orphan");
        Assert.Equal(DaemonState.Running, s.State);
        Assert.True(s.IsIdentityVerified);
        Assert.Null(s.Supervisor);
        Assert.Equal($"its supervisor (PID {dead}) is gone; the program still holds the lock", s.Reason);
    }

    [Fact]
    public void A_program_without_a_pid_file_whose_supervisor_is_gone_gets_both_notes()
    {
        var paths = Hold("bothnotes");
        var record = Proven(Self, "bothnotes");
        int dead = InstanceLockTests.DeadPid();
        record.Supervisor = new ProcessRecord { Pid = dead, StartToken = "1" };
        Write(paths, record);
        Assert.Equal($"its pid file is missing; its supervisor (PID {dead}) is gone; the program still holds the lock", Status("bothnotes").Reason);
    }

    [Fact]
    public void The_probe_waits_the_owner_window_it_is_given_for_a_pid_file_that_does_not_name_the_program_yet()
    {
        // A supervisor writes the state file naming its program, then the pid file: in between, the
        // pid file still names the supervisor. The probe gives it the window to settle.
        var paths = Hold("settling");
        var record = Proven(Self, "settling");
        record.Supervisor = new ProcessRecord { Pid = FakeSupervisor.Pid, StartToken = FakeSupervisor.Token };
        Write(paths, record, $"{FakeSupervisor.Pid}\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var s = DaemonProbe.GetStatus(paths, _dir.Options(o => o.OwnerWaitWindow = TimeSpan.FromMilliseconds(600)), new FakeSupervisor());
        Assert.InRange(clock.ElapsedMilliseconds, 550, 30_000);
        Assert.Equal(Self, s.Pid);
    }

    [Fact]
    public void A_supervisor_between_runs_is_settled_at_once_however_long_the_window()
    {
        var (paths, _) = HeldBySupervisorOnly("settled", phase: null);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var s = DaemonProbe.GetStatus(paths, _dir.Options(o => o.OwnerWaitWindow = TimeSpan.FromSeconds(20)), _p);
        Assert.InRange(clock.ElapsedMilliseconds, 0, 10_000);
        Assert.Equal(DaemonState.Restarting, s.State);
    }

    [Fact]
    public void A_supervisor_whose_program_is_starting_is_waited_for_up_to_the_window()
    {
        var (paths, _) = HeldBySupervisorOnly("starting", SupervisorPhase.Starting);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var s = DaemonProbe.GetStatus(paths, _dir.Options(o => o.OwnerWaitWindow = TimeSpan.FromMilliseconds(400)), _p);
        Assert.InRange(clock.ElapsedMilliseconds, 350, 10_000);
        Assert.Equal(DaemonState.Restarting, s.State);
        Assert.Equal("starting", s.Phase);
    }

    [Fact]
    public void A_live_supervisor_whose_program_is_down_is_Restarting_with_its_phase()
    {
        var (paths, record) = HeldBySupervisorOnly("between", SupervisorPhase.Restarting);
        var s = Status("between");
        Assert.Equal(DaemonState.Restarting, s.State);
        Assert.Equal(2, s.LsbExitCode);
        Assert.Null(s.Pid);
        Assert.Equal(Self, s.Supervisor);
        Assert.Equal($"the supervisor (PID {Self}) holds the lock; the program is not running (restarting)", s.Reason);
        record.Phase = null;
        Write(paths, record);
        Assert.EndsWith("(between runs)", Status("between").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recorded_program_with_init_s_token_is_not_proven_without_holding_the_lock_and_PID_1_is_never_signalled()
    {
        // The state file names PID 1 with init's token (a forged or confused record): the token alone proves
        // nothing on Linux, since init holds no lock of ours and is no child of the supervisor.
        var paths = Hold("pair");
        var record = Proven(1, "pair");
        record.Supervisor = new ProcessRecord { Pid = Self, StartToken = ProcessIdentity.GetStartToken(Self) };
        Write(paths, record, "1\n");
        var s = Status("pair");
        Assert.NotEqual(DaemonState.Running, s.State);
        Assert.False(s.IsIdentityVerified);
        Assert.Equal(Self, s.Supervisor);
        Assert.False(SignalDecision.For(s, self: -1).Allowed);
    }

    [Fact]
    public void A_held_lock_without_files_is_Running_unverified_without_a_pid()
    {
        Hold("empty");
        var s = Status("empty");
        Assert.Equal(DaemonState.Running, s.State);
        Assert.Null(s.Pid);
        Assert.False(s.IsIdentityVerified);
        Assert.Equal("the lock of 'empty' is held but there is no pid file (starting, or removed by hand)", s.Reason);
        Assert.Null(s.Uptime);
    }

    [Fact]
    public void A_held_lock_whose_pid_file_names_an_unproven_live_process_is_Running_unverified()
    {
        // "Any live PID is the daemon" would make this verified: PID 1 is alive, but nothing proves it holds the lock.
        var paths = Hold("anylive");
        Write(paths, pid: $"{Self}\n");
        var s = Status("anylive");
        Assert.Equal(DaemonState.Running, s.State);
        Assert.Equal(Self, s.Pid);
        Assert.False(s.IsIdentityVerified);
        Assert.Equal($"the lock is held but PID {Self} is not proven to hold it: there is no readable state file to prove its identity", s.Reason);
        Assert.False(SignalDecision.For(s, self: -1).Allowed);
    }

    [Fact]
    public void A_held_lock_whose_state_file_has_another_token_is_Running_unverified()
    {
        var paths = Hold("token");
        var record = Proven(Self, "token");
        record.StartToken += "0";
        Write(paths, record, $"{Self}\n");
        var s = Status("token");
        Assert.False(s.IsIdentityVerified);
        Assert.Contains("the PID was reused", s.Reason, StringComparison.Ordinal);
        Assert.Null(s.Uptime);
        Assert.False(SignalDecision.For(s, self: -1).Allowed);
    }

    [Fact]
    public void A_held_lock_whose_state_file_is_from_another_boot_is_Running_unverified()
    {
        var paths = Hold("reboot");
        var record = Proven(Self, "reboot");
        record.BootId = "another-boot";
        Write(paths, record, $"{Self}\n");
        var s = Status("reboot");
        Assert.False(s.IsIdentityVerified);
        Assert.EndsWith("the state file was written before the last reboot", s.Reason, StringComparison.Ordinal);
        Assert.False(SignalDecision.For(s, self: -1).Allowed);
    }

    [Fact]
    public void A_held_lock_with_a_bad_pid_file_is_Running_unverified_naming_the_problem()
    {
        var paths = Hold("bad");
        Write(paths, pid: "garbage\n");
        var s = Status("bad");
        Assert.Equal(DaemonState.Running, s.State);
        Assert.Null(s.Pid);
        Assert.StartsWith($"the lock is held but pid file '{paths.PidFile}' holds 'g'", s.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Leftover_holders_of_a_dead_main_process_are_Lingering()
    {
        var paths = Hold("linger");
        Write(paths, Proven(InstanceLockTests.DeadPid(), "linger"));
        var s = Status("linger", new Holders(77, 5));
        Assert.Equal(DaemonState.Lingering, s.State);
        Assert.Equal(2, s.LsbExitCode);
        Assert.Equal([5, 77], s.Holders);
        Assert.Null(s.Pid);
        Assert.Equal($"the main process (PID {s.Record!.Pid}) is gone but 2 leftover processes still hold the lock: PID 5, 77", s.Reason);
        Assert.Equal("the main process (PID " + s.Record.Pid + ") is gone but 1 leftover process still holds the lock: PID 5", Status("linger", new Holders(5)).Reason);
    }

    [Fact]
    public void Holders_found_without_a_state_file_are_named_in_the_reason()
    {
        Hold("noproof");
        var s = Status("noproof", new Holders(43, Self, 42));
        Assert.Equal(DaemonState.Running, s.State);
        Assert.Equal([42, 43], s.Holders); // sorted; this process is never named
        Assert.EndsWith("; held by PID 42, 43", s.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_free_lock_with_a_pid_file_is_Stale_with_the_record_of_that_pid_only()
    {
        var paths = Free("stale");
        int dead = InstanceLockTests.DeadPid();
        var record = Proven(dead, "stale");
        record.StartToken = "1";
        Write(paths, record, $"{dead}\n");
        var s = Status("stale");
        Assert.Equal(DaemonState.Stale, s.State);
        Assert.Equal(1, s.LsbExitCode);
        Assert.Equal(dead, s.Pid);
        Assert.Null(s.Uptime);
        Assert.Equal(dead, s.Record!.Pid);
        Assert.Equal($"PID {dead} no longer holds the lock of 'stale'; the pid file is stale", s.Reason);
        Write(paths, pid: "2\n");
        Assert.Null(Status("stale").Record);
    }

    [Fact]
    public void A_free_lock_with_only_a_state_file_is_Stale_with_the_last_exit()
    {
        var paths = Free("ended");
        var record = Proven(Self, "ended");
        record.LastExit = new ExitRecord { Pid = 4321, Code = 3 };
        Write(paths, record);
        var s = Status("ended");
        Assert.Equal(DaemonState.Stale, s.State);
        Assert.Equal(4321, s.Pid);
        Assert.Equal(3, s.Record!.LastExit!.Code);
        Assert.Equal("'ended' ended; its state file remains", s.Reason);
    }

    [Fact]
    public void A_free_lock_without_files_is_NotRunning()
    {
        Free("clean");
        var s = Status("clean");
        Assert.Equal(DaemonState.NotRunning, s.State);
        Assert.Null(s.Reason);
    }

    [Fact]
    public void A_free_lock_with_a_garbage_pid_file_is_Stale_and_with_a_directory_Unknown()
    {
        var paths = Free("junk");
        Write(paths, pid: "junk");
        var s = Status("junk");
        Assert.Equal(DaemonState.Stale, s.State);
        Assert.Null(s.Pid);
        Assert.Contains("holds 'j'", s.Reason, StringComparison.Ordinal);
        File.Delete(paths.PidFile);
        Directory.CreateDirectory(paths.PidFile);
        var dir = Status("junk");
        Assert.Equal(DaemonState.Unknown, dir.State);
        Assert.Contains("not a regular file", dir.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_pid_files_without_a_lock_file_are_judged_by_liveness_only()
    {
        var paths = _dir.Paths("legacy");
        Assert.Equal(DaemonState.NotRunning, Status("legacy").State);
        Write(paths, pid: "junk\n");
        var junk = Status("legacy");
        Assert.Equal(DaemonState.Unknown, junk.State);
        Assert.True(junk.IsLegacy);
        Assert.EndsWith(" and there is no lock file", junk.Reason, StringComparison.Ordinal);
        int dead = InstanceLockTests.DeadPid();
        Write(paths, pid: $"{dead}\n");
        var stale = Status("legacy");
        Assert.Equal(DaemonState.Stale, stale.State);
        Assert.Equal(dead, stale.Pid);
        Assert.Equal($"legacy pid file names PID {dead}, which is not running", stale.Reason);
        Write(paths, pid: $"{Self}\n");
        var alive = Status("legacy");
        Assert.Equal(DaemonState.Running, alive.State);
        Assert.False(alive.IsIdentityVerified);
        Assert.Equal($"legacy pid file (no lock file): PID {Self} is alive, but without the lock it is not proven to be the daemon", alive.Reason);
        Write(paths, Proven(Self, "legacy"));
        var proven = Status("legacy");
        Assert.True(proven.IsIdentityVerified);
        Assert.True(proven.IsLegacy);
        Assert.False(SignalDecision.For(proven, self: -1).Allowed);
        var wrong = Proven(Self, "legacy");
        wrong.StartToken = "1";
        Write(paths, wrong);
        Assert.False(Status("legacy").IsIdentityVerified);
    }

    [Fact]
    public void A_daemon_that_beats_is_unresponsive_only_after_three_missed_intervals()
    {
        var paths = Hold("beat");
        var record = Proven(Self, "beat");
        record.HeartbeatIntervalMs = 1000;
        record.HeartbeatAt = DateTimeOffset.UtcNow.AddMilliseconds(-2500);
        Write(paths, record, $"{Self}\n");
        var fresh = Status("beat");
        Assert.False(fresh.IsUnresponsive);
        Assert.InRange(fresh.HeartbeatAge!.Value, TimeSpan.FromMilliseconds(2500), TimeSpan.FromSeconds(60));
        record.HeartbeatAt = DateTimeOffset.UtcNow.AddMilliseconds(-3500);
        Write(paths, record);
        Assert.True(Status("beat").IsUnresponsive);
        record.HeartbeatIntervalMs = 0; // promised nothing: never unresponsive
        Write(paths, record);
        Assert.False(Status("beat").IsUnresponsive);
        record.HeartbeatIntervalMs = null;
        Write(paths, record);
        Assert.False(Status("beat").IsUnresponsive);
        Assert.NotNull(Status("beat").HeartbeatAge);
    }

    [Fact]
    public void An_unproven_holder_reports_no_heartbeat_age()
    {
        var paths = Hold("unbeat");
        var record = Proven(Self, "unbeat");
        record.StartToken = "1";
        record.HeartbeatIntervalMs = 10;
        record.HeartbeatAt = DateTimeOffset.UtcNow.AddHours(-1);
        Write(paths, record, $"{Self}\n");
        var s = Status("unbeat");
        Assert.Null(s.HeartbeatAge);
        Assert.False(s.IsUnresponsive);
    }

    [Fact]
    public void The_public_probe_resolves_the_name_in_the_options_directory()
    {
        Hold("public");
        Assert.Equal(DaemonState.Running, DaemonProbe.GetStatus("public", Quick).State);
        Assert.Equal(DaemonState.Running, DaemonProbe.GetStatus(_dir.Paths("public"), Quick).State);
    }

    [Fact]
    public void A_holder_that_took_the_lock_just_after_it_was_seen_free_is_probed_as_held_not_dead()
    {
        // Race: the probe sees the lock free, then a new holder locks and writes its state file and pid file
        // before the probe reads them: they look like a dead daemon's (a torture run under load saw "Stale").
        var paths = Hold("late");
        Write(paths, Proven(Self, "late"), $"{Self}\n");
        var s = Status("late", new FirstProbeSeesTheLockFree());
        Assert.Equal(DaemonState.Running, s.State);
        Assert.True(s.IsIdentityVerified);
        Assert.Equal(Self, s.Pid);
    }

    /// <summary>The first shared-lock probe succeeds as if the lock were free (as it was a moment before its holder took it).</summary>
    private sealed class FirstProbeSeesTheLockFree : DelegatingPlatform
    {
        private int _probes;

        public override bool TryLock(SafeFd fd, int operation, string path) =>
            operation == UnixConstants.LockSh && Interlocked.Increment(ref _probes) == 1 || base.TryLock(fd, operation, path);
    }

    /// <summary>A live supervisor process that exists only in this platform's answers.</summary>
    private sealed class FakeSupervisor : DelegatingPlatform
    {
        public const int Pid = 424242;
        public const string Token = "supervisor-token";

        public override string? GetStartToken(int pid) => pid == Pid ? Token : base.GetStartToken(pid);
    }

    /// <summary>The kernel's record of the lock names these processes.</summary>
    private sealed class Holders(params int[] pids) : DelegatingPlatform
    {
        public override IReadOnlyList<int> FindLockHolders(FileStatus lockFile) => pids;
    }
}
