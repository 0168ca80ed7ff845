using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// The instance lock's whole life in-process: what a loser is told, timeouts, release with and
/// without the files, updates of the state, failed writes, and the checks every operation makes.
/// No test here sends a signal.
/// </summary>
public sealed class InstanceLockLifecycleTests : IDisposable
{
    private static readonly int Self = Environment.ProcessId;
    private readonly TestDir _dir = new();
    private readonly IPlatform _p = Platforms.Current;

    public void Dispose() => _dir.Dispose();

    private static DaemonStartInfo Quiet(string program, params string[] args) =>
        new(program, args) { StandardOutput = DaemonStdio.Null, StandardError = DaemonStdio.Null };

    [Fact]
    public void A_loser_is_told_that_a_supervisor_holds_the_lock_while_its_program_is_starting()
    {
        using var supervisor = _dir.Acquire("sup", o => o.Supervising = true);
        Assert.False(File.Exists(supervisor.Paths.PidFile)); // no program yet, so no pid file
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("sup"));
        Assert.Equal(Self, e.OwnerPid);
        Assert.Equal("sup", e.DaemonName);
        Assert.Equal($"Daemon already running (PID: {Self}): 'sup' is locked: its supervisor (PID {Self}) holds it while the program is starting.", e.Message);
        supervisor.UpdateState(s => s.Phase = null);
        Assert.EndsWith("while the program is between runs.", Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("sup")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loser_is_told_the_proven_owner_without_waiting()
    {
        using var held = _dir.Acquire("owner");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("owner", o => o.OwnerWaitWindow = TimeSpan.FromSeconds(20)));
        Assert.InRange(clock.ElapsedMilliseconds, 0, 10_000);
        Assert.Equal($"Daemon already running (PID: {Self}): 'owner' is locked by another process.", e.Message);
        Assert.Equal(held.Paths.LockFile, e.FilePath);
    }

    [Fact]
    public async Task A_loser_is_told_a_leftover_process_that_still_holds_the_lock_when_the_main_process_is_gone()
    {
        var held = _dir.Acquire("leftover");
        string release = Path.Join(_dir.Root, "release");
        using var child = held.StartProcess(InstanceLockEdgeTests.UntilReleased(release));
        held.Dispose(); // the files go; the child still shares the lock
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("leftover", o => o.OwnerWaitWindow = TimeSpan.Zero));
        Assert.Equal(child.Id, e.OwnerPid);
        Assert.Contains($"its main process is gone but PID {child.Id} still holds the lock ('pidguard stop leftover' ends it)", e.Message, StringComparison.Ordinal);
        await InstanceLockEdgeTests.Release(release);
        await child.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        using var next = _dir.Acquire("leftover");
    }

    [Fact]
    public void A_negative_timeout_is_refused_and_infinite_is_accepted()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InstanceLock.Acquire("t", _dir.Options(), TimeSpan.FromMilliseconds(-2), TestContext.Current.CancellationToken));
        Assert.Throws<ArgumentOutOfRangeException>(() => InstanceLock.TryAcquire("t", _dir.Options(), TimeSpan.FromMilliseconds(-2), TestContext.Current.CancellationToken));
        using var held = InstanceLock.Acquire("t", _dir.Options(), Timeout.InfiniteTimeSpan, TestContext.Current.CancellationToken);
        Assert.Equal(Self, held.ProcessId);
    }

    [Fact]
    public void A_waiting_Acquire_gets_the_lock_once_the_holder_releases_it_and_a_timed_out_one_names_the_holder()
    {
        var first = _dir.Acquire("wait");
        var e = Assert.Throws<AlreadyRunningException>(() => InstanceLock.Acquire("wait", _dir.Options(), TimeSpan.FromMilliseconds(150), TestContext.Current.CancellationToken));
        Assert.Equal(Self, e.OwnerPid);
        Assert.Null(InstanceLock.TryAcquire("wait", _dir.Options(), TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken));
        var release = Task.Delay(200, TestContext.Current.CancellationToken).ContinueWith(_ => first.Dispose(), TaskScheduler.Default);
        using var second = InstanceLock.Acquire("wait", _dir.Options(), TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        Assert.True(first.IsReleased);
        Assert.Equal($"{Self}\n", File.ReadAllText(second.Paths.PidFile));
    }

    [Fact]
    public async Task TryAcquireAsync_returns_null_while_held_and_the_lock_once_free()
    {
        var first = _dir.Acquire("tryasync");
        Assert.Null(await InstanceLock.TryAcquireAsync("tryasync", _dir.Options(), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Null(await InstanceLock.TryAcquireAsync("tryasync", _dir.Options(), TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken));
        var e = await Assert.ThrowsAsync<AlreadyRunningException>(async () => await InstanceLock.AcquireAsync("tryasync", _dir.Options(), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(Self, e.OwnerPid);
        first.Dispose();
        await using var second = await InstanceLock.TryAcquireAsync("tryasync", _dir.Options(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(second);
    }

    [Fact]
    public void ReleaseKeepingFiles_frees_the_lock_and_leaves_the_files_as_the_record_of_the_end()
    {
        var held = _dir.Acquire("keep");
        held.ReleaseKeepingFiles();
        Assert.True(held.IsReleased);
        Assert.True(File.Exists(held.Paths.PidFile));
        Assert.True(File.Exists(held.Paths.StateFile));
        Assert.False(LockFile.IsHeld(_p, held.Paths.LockFile));
        Assert.Equal(DaemonState.Stale, DaemonProbe.GetStatus("keep", _dir.Options()).State);
        held.Dispose(); // released already: the files stay
        Assert.True(File.Exists(held.Paths.PidFile));
    }

    [Fact]
    public void Release_leaves_a_replaced_state_file_and_logs_it()
    {
        var log = new CapturingLogger();
        var held = _dir.Acquire("replaced", o => o.Logger = log);
        string foreign = Path.Join(_dir.Root, "foreign.json");
        File.WriteAllText(foreign, "{}");
        File.Move(foreign, held.Paths.StateFile, overwrite: true);
        held.Dispose();
        Assert.Equal("{}", File.ReadAllText(held.Paths.StateFile));
        Assert.False(File.Exists(held.Paths.PidFile));
        Assert.Contains(log.Entries, e => e.Message == $"Not removing {held.Paths.StateFile}: it was replaced by another process after PidGuard wrote it.");
        Assert.Contains(log.Entries, e => e.Message.StartsWith("Acquired instance lock of replaced as PID", StringComparison.Ordinal));
    }

    [Fact]
    public void Release_of_files_removed_by_hand_logs_nothing()
    {
        var log = new CapturingLogger();
        var held = _dir.Acquire("gone", o => o.Logger = log);
        File.Delete(held.Paths.PidFile);
        File.Delete(held.Paths.StateFile);
        held.Dispose();
        Assert.DoesNotContain(log.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.False(LockFile.IsHeld(_p, held.Paths.LockFile));
    }

    [Fact]
    public void Operations_on_a_released_lock_throw_ObjectDisposedException()
    {
        var held = _dir.Acquire("disposed");
        held.Dispose();
        Assert.Throws<ObjectDisposedException>(() => held.UpdateState(s => s.Status = "x"));
        Assert.Throws<ObjectDisposedException>(() => held.Heartbeat());
        Assert.Throws<ObjectDisposedException>(() => held.StartProcess(Quiet("true")));
        Assert.True(held.CheckIntegrity()); // nothing to check once released
        using var other = _dir.Acquire("disposed2");
        Assert.Throws<ArgumentNullException>(() => other.UpdateState(null!));
    }

    [Fact]
    public void UpdateState_cannot_change_the_identity_and_cuts_a_long_status()
    {
        using var held = _dir.Acquire("identity");
        var before = held.State;
        held.UpdateState(s =>
        {
            s.Name = "forged";
            s.Pid = 1;
            s.StartToken = "forged";
            s.Supervisor = new ProcessRecord { Pid = 1 };
            s.Status = new string('x', InstanceLock.MaxStatusLength + 10);
            s.Restarts = 5;
        });
        var after = StateFile.Read(held.Paths.StateFile)!;
        Assert.Equal("identity", after.Name);
        Assert.Equal(Self, after.Pid);
        Assert.Equal(before.StartToken, after.StartToken);
        Assert.Null(after.Supervisor);
        Assert.Equal(InstanceLock.MaxStatusLength, after.Status!.Length);
        Assert.Equal(5, after.Restarts);
        Assert.Equal(5, held.State.Restarts);
        held.UpdateState(s => s.Status = new string('y', InstanceLock.MaxStatusLength));
        Assert.Equal(InstanceLock.MaxStatusLength, held.State.Status!.Length);
    }

    [Fact]
    public void A_state_update_that_cannot_be_written_throws_and_keeps_the_previous_state()
    {
        using var held = _dir.Acquire("unwritable");
        held.UpdateState(s => s.Status = "before");
        File.Delete(held.Paths.StateFile);
        Directory.CreateDirectory(Path.Join(held.Paths.StateFile, "occupied")); // rename cannot replace a non-empty directory
        var e = Assert.Throws<PidGuardException>(() => held.UpdateState(s => s.Status = "after"));
        Assert.StartsWith("Cannot write the state file of 'unwritable': rename", e.Message, StringComparison.Ordinal);
        Assert.Equal("before", held.State.Status);
        Assert.False(File.Exists(held.Paths.StateTempFile)); // no temp file left behind
    }

    [Fact]
    public void An_acquire_whose_files_cannot_be_written_fails_leaves_no_state_file_and_holds_nothing()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        var paths = _dir.Paths("nowrite");
        Directory.CreateDirectory(Path.Join(paths.PidFile, "occupied"));
        var e = Assert.Throws<PidGuardException>(() => _dir.Acquire("nowrite"));
        Assert.StartsWith($"Cannot start 'nowrite': pid file '{paths.PidFile}'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(paths.StateFile));
        Assert.False(File.Exists(paths.PidTempFile));
        Assert.False(LockFile.IsHeld(_p, paths.LockFile));
    }

    [Fact]
    public void A_leftover_temp_file_that_is_not_a_regular_file_is_refused_and_kept()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        var paths = _dir.Paths("tempdir");
        Directory.CreateDirectory(paths.StateTempFile);
        var e = Assert.Throws<PidGuardException>(() => _dir.Acquire("tempdir"));
        Assert.Equal($"Temporary file '{paths.StateTempFile}' exists and is not a regular file of the current user; PidGuard will not remove it.", e.Message);
        Assert.True(Directory.Exists(paths.StateTempFile));
        Assert.False(LockFile.IsHeld(_p, paths.LockFile));
    }

    [Fact]
    public void A_supervising_holder_removes_its_predecessors_pid_file_and_writes_none_until_its_program_runs()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        var paths = _dir.Paths("successor");
        File.WriteAllText(paths.PidFile, "12345\n");
        using var supervisor = _dir.Acquire("successor", o => o.Supervising = true);
        Assert.False(File.Exists(paths.PidFile));
        var state = supervisor.State;
        Assert.Equal(Self, state.Pid);
        Assert.Equal(Self, state.Supervisor!.Pid);
        Assert.Equal(state.StartToken, state.Supervisor.StartToken);
        Assert.Equal(SupervisorPhase.Starting, state.Phase);
        Assert.True(supervisor.CheckIntegrity()); // no pid file is expected yet
    }

    [Fact]
    public async Task RecordMainProcess_and_RecordMainExit_move_the_pid_file_between_program_and_none()
    {
        var log = new CapturingLogger();
        using var supervisor = _dir.Acquire("program", o => { o.Supervising = true; o.Logger = log; });
        using var program = supervisor.StartProcess(Quiet("true"));
        var exit = await program.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        supervisor.UpdateState(s => { s.Ready = true; s.NextRestartAt = DateTimeOffset.UtcNow; });
        supervisor.RecordMainProcess(program);
        Assert.Equal(program.Id, supervisor.ProcessId);
        Assert.Equal($"{program.Id}\n", File.ReadAllText(supervisor.Paths.PidFile));
        var running = supervisor.State;
        Assert.Equal(program.StartToken, running.StartToken);
        Assert.Equal(SupervisorPhase.Running, running.Phase);
        Assert.Null(running.Ready);
        Assert.Null(running.NextRestartAt);
        Assert.Equal(Self, running.Supervisor!.Pid);
        Assert.True(supervisor.CheckIntegrity());

        var restartAt = DateTimeOffset.UtcNow.AddSeconds(5);
        supervisor.UpdateState(s => s.Ready = true);
        supervisor.RecordMainExit(exit, SupervisorPhase.Restarting, restartAt);
        Assert.False(File.Exists(supervisor.Paths.PidFile));
        var down = StateFile.Read(supervisor.Paths.StateFile)!;
        Assert.Equal(Self, down.Pid);
        Assert.Equal(running.Supervisor.StartToken, down.StartToken);
        Assert.Equal(SupervisorPhase.Restarting, down.Phase);
        Assert.Equal(program.Id, down.LastExit!.Pid);
        Assert.Equal(0, down.LastExit.Code);
        Assert.Equal(restartAt, down.NextRestartAt);
        Assert.Null(down.Ready);
        Assert.Equal(Self, supervisor.ProcessId);
        Assert.True(supervisor.CheckIntegrity()); // between runs there should be no pid file
        Assert.DoesNotContain(log.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Equal(0, await supervisor.EndLeftoversAsync(program, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RecordMainExit_records_the_exit_even_when_the_pid_file_was_replaced()
    {
        using var supervisor = _dir.Acquire("replacedpid", o => o.Supervising = true);
        using var program = supervisor.StartProcess(Quiet("true"));
        var exit = await program.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        supervisor.RecordMainProcess(program);
        string foreign = Path.Join(_dir.Root, "foreign.pid");
        File.WriteAllText(foreign, "999\n");
        File.Move(foreign, supervisor.Paths.PidFile, overwrite: true);
        Assert.False(supervisor.CheckIntegrity());
        supervisor.RecordMainExit(exit, SupervisorPhase.Exited);
        Assert.Equal("999\n", File.ReadAllText(supervisor.Paths.PidFile)); // not ours: left alone
        Assert.Equal(SupervisorPhase.Exited, StateFile.Read(supervisor.Paths.StateFile)!.Phase);
    }

    [Fact]
    public async Task Only_a_supervising_holder_records_programs_and_arguments_are_checked()
    {
        using var plain = _dir.Acquire("plain");
        using var program = plain.StartProcess(Quiet("true"));
        var exit = await program.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var e = Assert.Throws<InvalidOperationException>(() => plain.RecordMainProcess(program));
        Assert.Equal("The lock of 'plain' was not taken as a supervisor (PidGuardOptions.Supervising).", e.Message);
        Assert.Throws<InvalidOperationException>(() => plain.RecordMainExit(exit, SupervisorPhase.Exited));
        Assert.Throws<ArgumentNullException>(() => plain.RecordMainProcess(null!));
        Assert.Throws<ArgumentNullException>(() => plain.RecordMainExit(null!, SupervisorPhase.Exited));
        Assert.Throws<ArgumentException>(() => plain.RecordMainExit(exit, ""));
        Assert.Throws<ArgumentNullException>(() => plain.StartProcess(null!));
        Assert.Equal($"InstanceLock(plain, PID {Self}, WriteOwner)", plain.ToString());
    }

    [Fact]
    public void The_integrity_check_reports_a_replaced_pid_file_once()
    {
        var log = new CapturingLogger();
        using var held = _dir.Acquire("once", o => o.Logger = log);
        File.Delete(held.Paths.PidFile);
        Assert.False(held.CheckIntegrity());
        Assert.False(held.CheckIntegrity());
        Assert.Single(log.Entries, e => e.Message.Contains("removed or replaced", StringComparison.Ordinal));
    }

    [Fact]
    public void Heartbeat_without_a_status_keeps_the_status()
    {
        using var held = _dir.Acquire("keepstatus");
        held.Heartbeat("serving");
        held.Heartbeat();
        Assert.Equal("serving", StateFile.Read(held.Paths.StateFile)!.Status);
        Assert.NotNull(held.State.HeartbeatAt);
    }

    [Fact]
    public void The_state_names_the_holder_its_command_line_and_heartbeat_promise()
    {
        using var held = _dir.Acquire("state", o => { o.CommandLine = ["prog", "--flag"]; o.HeartbeatInterval = TimeSpan.FromSeconds(2); });
        var state = StateFile.Read(held.Paths.StateFile)!;
        Assert.Equal(["prog", "--flag"], state.CommandLine);
        Assert.Equal(2000, state.HeartbeatIntervalMs);
        Assert.NotNull(state.HeartbeatAt);
        Assert.Equal(Environment.CurrentDirectory, state.WorkingDirectory);
        Assert.Equal(Environment.MachineName, state.Host);
        Assert.Null(state.Supervisor);
        Assert.Null(state.Phase);
        using var plain = _dir.Acquire("nobeat");
        Assert.Null(plain.State.HeartbeatAt);
        Assert.Null(plain.State.HeartbeatIntervalMs);
        Assert.Equal(Environment.GetCommandLineArgs(), plain.State.CommandLine);
    }
}
