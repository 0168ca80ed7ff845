using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// The instance lock where its files and its sharers disagree: children sharing the lock, a pid
/// file removed under the holder, rewrites racing the integrity check, writes that fail midway.
/// </summary>
public sealed class InstanceLockEdgeTests : IDisposable
{
    private static readonly int Self = Environment.ProcessId;
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DaemonStartInfo Quiet(string program, params string[] args) =>
        new(program, args) { StandardOutput = DaemonStdio.Null, StandardError = DaemonStdio.Null };

    /// <summary>
    /// A child that lives until a line is written to the FIFO <paramref name="fifo"/> (<see cref="Release"/>), so that
    /// no signal is needed to end it; it forks nothing, so it is the only process its lock descriptor reaches.
    /// </summary>
    internal static DaemonStartInfo UntilReleased(string fifo)
    {
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            Assert.True(mkfifo.WaitForExit(30_000), "mkfifo did not exit");
            Assert.Equal(0, mkfifo.ExitCode);
        }
        return new("sh", ["-c", "read line < \"$0\"", fifo]) { StandardOutput = DaemonStdio.Null, StandardError = DaemonStdio.Null };
    }

    internal static Task Release(string fifo) =>
        Task.Run(() => File.WriteAllText(fifo, "go\n"), TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    private static Task<ExitRecord> Exited(DaemonProcess p) =>
        p.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_proven_owner_is_named_even_while_children_share_its_lock()
    {
        using var held = _dir.Acquire("sharing");
        string release = Path.Join(_dir.Root, "release");
        using var child = held.StartProcess(UntilReleased(release));
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("sharing"));
        Assert.Equal(Self, e.OwnerPid);
        Assert.Equal($"Daemon already running (PID: {Self}): 'sharing' is locked by another process.", e.Message);
        await Release(release);
        await Exited(child);
    }

    [Fact]
    public async Task Several_leftover_holders_are_all_named_lowest_first()
    {
        var held = _dir.Acquire("leftovers");
        string releaseA = Path.Join(_dir.Root, "a"), releaseB = Path.Join(_dir.Root, "b");
        using var a = held.StartProcess(UntilReleased(releaseA));
        using var b = held.StartProcess(UntilReleased(releaseB));
        held.Dispose();
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("leftovers", o => o.OwnerWaitWindow = TimeSpan.Zero));
        int low = Math.Min(a.Id, b.Id), high = Math.Max(a.Id, b.Id);
        Assert.Equal(low, e.OwnerPid);
        Assert.Contains($"its main process is gone but PID {low}, {high} still hold the lock ('pidguard stop leftovers' ends them)", e.Message, StringComparison.Ordinal);
        await Release(releaseA);
        await Release(releaseB);
        await Exited(a);
        await Exited(b);
    }

    [Fact]
    public void A_holder_whose_pid_file_was_removed_is_still_named_from_its_state_file()
    {
        using var held = _dir.Acquire("nopid");
        File.Delete(held.Paths.PidFile);
        Assert.Equal(Self, Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("nopid", o => o.OwnerWaitWindow = TimeSpan.Zero)).OwnerPid);
    }

    [Fact]
    public void A_negative_timeout_is_refused_with_the_rule()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => InstanceLock.Acquire("t", _dir.Options(), TimeSpan.FromSeconds(-1), TestContext.Current.CancellationToken));
        Assert.StartsWith("A timeout is zero or more, or Timeout.InfiniteTimeSpan.", e.Message, StringComparison.Ordinal);
        Assert.Equal("timeout", e.ParamName);
    }

    [Fact]
    public void A_command_line_too_large_for_the_state_file_is_refused_before_the_lock_file_is_even_created()
    {
        // Each control character takes six bytes in JSON: the record is too large although no single argument is.
        string escaped = new('\u0001', StateFile.MaxLength / 6);
        var e = Assert.Throws<PidGuardException>(() => _dir.Acquire("escaped", o => o.CommandLine = [escaped, escaped]));
        Assert.Contains("shorten the command line", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Paths("escaped").LockFile));
    }

    [Fact]
    public void Heartbeat_checks_that_the_pid_file_is_still_ours()
    {
        using var held = _dir.Acquire("beatcheck");
        string foreign = Path.Join(_dir.Root, "foreign.pid");
        File.WriteAllText(foreign, "999\n");
        File.Move(foreign, held.Paths.PidFile, overwrite: true);
        held.Heartbeat();
        Assert.True(held.PidFileLost.IsCancellationRequested);
    }

    [Fact]
    public void A_state_update_too_large_to_write_is_refused_and_the_state_kept()
    {
        using var held = _dir.Acquire("toolarge");
        var e = Assert.Throws<PidGuardException>(() => held.UpdateState(s => s.CommandLine = [new string('x', StateFile.MaxLength)]));
        Assert.Contains("shorten the command line", e.Message, StringComparison.Ordinal);
        Assert.Equal(Environment.GetCommandLineArgs(), held.State.CommandLine);
    }

    [Fact]
    public async Task A_program_whose_pid_file_cannot_be_written_is_reported_with_the_daemon_name()
    {
        using var supervisor = _dir.Acquire("pidfail", o => o.Supervising = true);
        using var program = supervisor.StartProcess(Quiet("true"));
        await Exited(program);
        Directory.CreateDirectory(Path.Join(supervisor.Paths.PidFile, "occupied"));
        var e = Assert.Throws<PidGuardException>(() => supervisor.RecordMainProcess(program));
        Assert.StartsWith("Cannot write the pid file of 'pidfail': rename", e.Message, StringComparison.Ordinal);
        Assert.Equal(program.Id, StateFile.Read(supervisor.Paths.StateFile)!.Pid); // the state was written first
    }

    [Fact]
    public async Task A_program_exit_whose_state_cannot_be_written_is_still_recorded_in_memory()
    {
        using var supervisor = _dir.Acquire("statefail", o => o.Supervising = true);
        using var program = supervisor.StartProcess(Quiet("true"));
        var exit = await Exited(program);
        supervisor.RecordMainProcess(program);
        File.Delete(supervisor.Paths.StateFile);
        Directory.CreateDirectory(Path.Join(supervisor.Paths.StateFile, "occupied"));
        var e = Assert.Throws<PidGuardException>(() => supervisor.RecordMainExit(exit, SupervisorPhase.Failed));
        Assert.StartsWith("Cannot write the state file of 'statefail': rename", e.Message, StringComparison.Ordinal);
        Assert.Equal(SupervisorPhase.Failed, supervisor.State.Phase);
        Assert.Equal(Self, supervisor.ProcessId);
        Assert.False(File.Exists(supervisor.Paths.PidFile));
    }

    [Fact]
    public async Task A_released_supervisor_records_nothing_and_leftovers_need_a_program()
    {
        var supervisor = _dir.Acquire("released", o => o.Supervising = true);
        using var program = supervisor.StartProcess(Quiet("true"));
        var exit = await Exited(program);
        supervisor.Dispose();
        Assert.Throws<ObjectDisposedException>(() => supervisor.RecordMainProcess(program));
        Assert.Throws<ObjectDisposedException>(() => supervisor.RecordMainExit(exit, SupervisorPhase.Exited));
        Assert.Throws<ArgumentNullException>(() => { _ = supervisor.EndLeftoversAsync(null!, TimeSpan.Zero, TestContext.Current.CancellationToken); }); // thrown before any task exists
    }

    [Fact]
    public async Task A_child_that_exits_before_adopting_is_given_a_grace_period_for_a_descendant_and_sees_the_handoff_environment()
    {
        using var held = _dir.Acquire("graced");
        string envFile = Path.Join(_dir.Root, "child.env");
        var child = new DaemonStartInfo("sh", ["-c", "env > \"$0\"; exit 3", envFile]) { StandardOutput = DaemonStdio.Null, StandardError = DaemonStdio.Null };
        child.Environment[InstanceLock.LockFdEnvironmentVariable] = "99";
        child.Environment[InstanceLock.NameEnvironmentVariable] = "wrong";
        child.Environment[RuntimeDirectory.EnvironmentVariable] = "/wrong";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<PidGuardException>(() => held.HandOffAsync(child, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        Assert.InRange(clock.ElapsedMilliseconds, 200, 60_000);
        Assert.Contains("exited (code 3) before it adopted the lock", e.Message, StringComparison.Ordinal);
        string[] handed = ["PIDGUARD_LOCK_FD=", "PIDGUARD_NAME=", "PIDGUARD_RUNTIME_DIR="];
        var env = (await File.ReadAllLinesAsync(envFile, TestContext.Current.CancellationToken))
            .Where(l => handed.Any(h => l.StartsWith(h, StringComparison.Ordinal))).Order(StringComparer.Ordinal).ToList();
        Assert.Equal([$"PIDGUARD_LOCK_FD=3", "PIDGUARD_NAME=graced", $"PIDGUARD_RUNTIME_DIR={_dir.Runtime}"], env);
    }

    [Fact]
    public async Task Stop_requires_the_paths()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => DaemonStopper.StopAsync((DaemonPaths)null!, cancellationToken: TestContext.Current.CancellationToken));
    }
}
