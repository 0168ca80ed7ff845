using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// The probe's verdicts when the lock is free (or its file gone) but the state file proves the daemon
/// still runs: its supervisor was killed after the program closed its lock descriptor, or the lock file
/// was removed or replaced. In-process, with the recorded processes living in the platform's answers
/// (their start tokens, whether the kernel shows them holding the lock, their session), so that each
/// verdict is decided by the probe and not by a child process.
/// </summary>
public sealed class UnlockedProbeTests : IDisposable
{
    private const int Program = 515151;
    private const int Supervisor = 525252;
    private const int Member = 535353;
    private readonly TestDir _dir = new();

    public UnlockedProbeTests() => RuntimeDirectory.Ensure(_dir.Runtime);

    public void Dispose() => _dir.Dispose();

    private DaemonStatus Status(string name, IPlatform p) =>
        DaemonProbe.GetStatus(_dir.Paths(name), _dir.Options(o => o.OwnerWaitWindow = TimeSpan.Zero), p);

    /// <summary>A daemon whose lock file exists and is free, with the state file <paramref name="record"/> wrote.</summary>
    private DaemonPaths FreeWith(string name, DaemonStateRecord record, bool withLockFile = true)
    {
        var paths = _dir.Paths(name);
        if (withLockFile)
        {
            using (LockFile.TryLockExclusive(Platforms.Current, paths.LockFile)!)
            {
            }
        }
        File.WriteAllBytes(paths.StateFile, StateFile.Serialize(record));
        return paths;
    }

    private static DaemonStateRecord Record(string name, int pid, bool supervised = false, string? phase = null) => new()
    {
        Name = name,
        Pid = pid,
        StartToken = FakeProcesses.TokenOf(pid),
        BootId = ProcessIdentity.BootId,
        StartedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        Supervisor = supervised ? new ProcessRecord { Pid = Supervisor, StartToken = FakeProcesses.TokenOf(Supervisor), StartedAt = DateTimeOffset.UtcNow.AddMinutes(-2) } : null,
        Phase = phase,
    };

    [Fact]
    public void A_main_process_that_still_holds_its_lock_file_keeps_the_name_Running_and_verified()
    {
        var paths = FreeWith("main", Record("main", Program));
        var s = Status("main", new FakeProcesses(alive: [Program], holding: [Program]));
        Assert.Equal(DaemonState.Running, s.State);
        Assert.True(s.IsIdentityVerified);
        Assert.Equal(Program, s.Pid);
        Assert.Equal(0, s.LsbExitCode);
        Assert.Equal("the lock of 'main' is free, but its main process still runs and holds the lock file it was started with", s.Reason);
        Assert.True(SignalDecision.For(s, self: -1).Allowed);
        Assert.Equal(paths.StateFile, s.Paths.StateFile);
    }

    [Fact]
    public void A_main_process_with_the_recorded_token_that_does_not_hold_the_lock_file_is_Running_but_never_signalled()
    {
        FreeWith("reused", Record("reused", Program));
        var s = Status("reused", new FakeProcesses(alive: [Program], holding: []));
        Assert.Equal(DaemonState.Running, s.State);
        Assert.False(s.IsIdentityVerified);
        Assert.Equal(Program, s.Pid);
        Assert.StartsWith($"the lock of 'reused' is free, but PID {Program} still runs with the recorded start time of its main process; PID {Program} has the recorded start time but does not hold the lock", s.Reason, StringComparison.Ordinal);
        Assert.EndsWith($"so PidGuard does not signal it (end it with kill {Program} if it is the daemon)", s.Reason, StringComparison.Ordinal);
        Assert.False(SignalDecision.For(s, self: -1).Allowed);
    }

    [Fact]
    public void A_supervisor_that_still_holds_the_lock_file_while_its_program_is_gone_is_Restarting()
    {
        FreeWith("sup", Record("sup", Program, supervised: true));
        var s = Status("sup", new FakeProcesses(alive: [Supervisor], holding: [Supervisor]));
        Assert.Equal(DaemonState.Restarting, s.State);
        Assert.Equal(Supervisor, s.Supervisor);
        Assert.Null(s.Pid);
        Assert.Equal($"the lock of 'sup' is free, but its supervisor (PID {Supervisor}) still runs and holds the lock file it was started with", s.Reason);
    }

    [Fact]
    public void A_supervisor_with_the_recorded_token_that_does_not_hold_the_lock_file_is_Running_unverified()
    {
        FreeWith("supreused", Record("supreused", Program, supervised: true));
        var s = Status("supreused", new FakeProcesses(alive: [Supervisor], holding: []));
        Assert.Equal(DaemonState.Running, s.State);
        Assert.False(s.IsIdentityVerified);
        Assert.Equal(Supervisor, s.Pid);
        Assert.Equal($"the lock of 'supreused' is free, but PID {Supervisor} still runs with the recorded start time of its supervisor; "
            + $"the supervisor's PID {Supervisor} has its recorded start time but does not hold the lock of 'supreused', so PidGuard does not signal it", s.Reason);
        Assert.False(SignalDecision.For(s, self: -1).Allowed);
    }

    [Fact]
    public void The_main_process_is_preferred_to_its_supervisor_when_both_still_run()
    {
        FreeWith("both", Record("both", Program, supervised: true));
        var s = Status("both", new FakeProcesses(alive: [Program, Supervisor], holding: [Program, Supervisor]));
        Assert.Equal(DaemonState.Running, s.State);
        Assert.Equal(Program, s.Pid);
        Assert.True(s.IsIdentityVerified);
    }

    [Fact]
    public void A_removed_lock_file_is_named_instead_of_a_free_lock()
    {
        FreeWith("removed", Record("removed", Program), withLockFile: false);
        var s = Status("removed", new FakeProcesses(alive: [Program], holding: [Program]));
        Assert.Equal(DaemonState.Running, s.State);
        Assert.True(s.IsIdentityVerified);
        Assert.Equal($"its lock file '{_dir.Paths("removed").LockFile}' was removed, but its main process still runs and holds the lock file it was started with", s.Reason);
    }

    [Fact]
    public void A_recorded_process_that_ended_or_was_replaced_or_recorded_its_own_exit_leaves_the_name_Stale()
    {
        FreeWith("gone", Record("gone", Program, supervised: true));
        Assert.Equal(DaemonState.Stale, Status("gone", new FakeProcesses(alive: [], holding: [])).State);
        var reused = new FakeProcesses(alive: [Program, Supervisor], holding: [Program, Supervisor]) { OtherTokens = true };
        Assert.Equal(DaemonState.Stale, Status("gone", reused).State);
        FreeWith("exited", Record("exited", Program, supervised: true, phase: SupervisorPhase.Exited));
        Assert.Equal(DaemonState.Stale, Status("exited", new FakeProcesses(alive: [Program, Supervisor], holding: [Program, Supervisor])).State);
        FreeWith("failed", Record("failed", Program, supervised: true, phase: SupervisorPhase.Failed));
        Assert.Equal(DaemonState.Stale, Status("failed", new FakeProcesses(alive: [Supervisor], holding: [Supervisor])).State);
    }

    [Fact]
    public void A_record_naming_this_process_or_PID_1_is_never_taken_for_a_live_daemon()
    {
        FreeWith("self", Record("self", Environment.ProcessId));
        Assert.Equal(DaemonState.Stale, Status("self", new FakeProcesses(alive: [Environment.ProcessId], holding: [Environment.ProcessId])).State);
        FreeWith("init", Record("init", 1));
        Assert.Equal(DaemonState.Stale, Status("init", new FakeProcesses(alive: [1], holding: [1])).State);
    }

    [Fact]
    public void Processes_left_in_the_session_of_a_main_process_whose_supervisor_is_gone_are_Lingering()
    {
        FreeWith("orphans", Record("orphans", Program, supervised: true));
        var s = Status("orphans", new FakeProcesses(alive: [], holding: []) { SessionOf = { [Program] = [Member, Environment.ProcessId, 1] } });
        Assert.Equal(DaemonState.Lingering, s.State);
        Assert.Equal([Member], s.Holders);
        Assert.Equal(2, s.LsbExitCode);
        Assert.Equal($"the main process (PID {Program}) and its supervisor are gone but 1 process of its session still runs: PID {Member}", s.Reason);
        var two = Status("orphans", new FakeProcesses(alive: [], holding: []) { SessionOf = { [Program] = [Member + 1, Member] } });
        Assert.Equal([Member, Member + 1], two.Holders);
        Assert.EndsWith($"2 processes of its session still run: PID {Member}, {Member + 1}", two.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Session_members_prove_nothing_while_the_supervisor_lives_or_the_main_process_is_back()
    {
        FreeWith("watched", Record("watched", Program, supervised: true));
        var supervised = Status("watched", new FakeProcesses(alive: [Supervisor], holding: [Supervisor]) { SessionOf = { [Program] = [Member] } });
        Assert.Equal(DaemonState.Restarting, supervised.State);
        var back = Status("watched", new FakeProcesses(alive: [Program], holding: [Program]) { SessionOf = { [Program] = [Member] } });
        Assert.Equal(DaemonState.Running, back.State);
        Assert.Equal(Program, back.Pid);
    }

    /// <summary>Processes that exist only in this platform's answers: alive (a start token), holding the lock, in a session.</summary>
    private sealed class FakeProcesses(int[] alive, int[] holding) : DelegatingPlatform
    {
        public bool OtherTokens { get; init; }

        public Dictionary<int, int[]> SessionOf { get; } = [];

        public static string TokenOf(int pid) => $"token-{pid}";

        public override string? GetStartToken(int pid) => alive.Contains(pid) ? (OtherTokens ? $"other-{pid}" : TokenOf(pid)) : null;

        public override bool HoldsLock(int pid, FileStatus lockFile) => holding.Contains(pid);

        public override IReadOnlyList<int> FindLockHolders(FileStatus lockFile) => [];

        public override IReadOnlyList<int> SessionMembers(int session) => SessionOf.TryGetValue(session, out var members) ? members : [];

        public override IReadOnlyList<int> ProcessGroupMembers(int processGroup) => [];
    }
}
