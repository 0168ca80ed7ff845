using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests;

public class InstanceLockTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int Mode(string path) => (int)File.GetUnixFileMode(path);

    [Fact]
    public void Acquire_on_a_clean_directory_writes_pid_and_state()
    {
        using var l = _dir.Acquire("app");
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(l.Paths.PidFile));
        Assert.Equal(Environment.ProcessId, l.ProcessId);
        Assert.Equal(LockOwnership.WriteOwner, l.Ownership);
        Assert.True(File.Exists(l.Paths.LockFile));
        var state = StateFile.Read(l.Paths.StateFile)!;
        Assert.Equal(Environment.ProcessId, state.Pid);
        Assert.Equal("app", state.Name);
        Assert.Equal(ProcessIdentity.GetStartToken(Environment.ProcessId), state.StartToken);
        Assert.Equal(ProcessIdentity.BootId, state.BootId);
        Assert.Equal(Path.Join(_dir.Runtime, "app.pid"), l.Paths.PidFile);
        Assert.Equal(Path.Join(_dir.Runtime, "app.lock"), l.Paths.LockFile);
        Assert.Equal(Path.Join(_dir.Runtime, "app.json"), l.Paths.StateFile);
    }

    [Fact]
    public void Files_have_modes_0644_0600_and_directory_0700()
    {
        using var l = _dir.Acquire("modes");
        Assert.Equal(Convert.ToInt32("644", 8), Mode(l.Paths.PidFile));
        Assert.Equal(Convert.ToInt32("644", 8), Mode(l.Paths.StateFile));
        Assert.Equal(Convert.ToInt32("600", 8), Mode(l.Paths.LockFile));
        Assert.Equal(Convert.ToInt32("700", 8), Mode(_dir.Runtime));
    }

    [Fact]
    public void Dispose_removes_pid_and_state_but_never_the_lock_file()
    {
        var l = _dir.Acquire("rel");
        l.Dispose();
        Assert.False(File.Exists(l.Paths.PidFile));
        Assert.False(File.Exists(l.Paths.StateFile));
        Assert.True(File.Exists(l.Paths.LockFile));
        Assert.True(l.IsReleased);
        l.Dispose(); // idempotent
        using var again = _dir.Acquire("rel");
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(again.Paths.PidFile));
    }

    [Fact]
    public async Task DisposeAsync_releases_too()
    {
        var l = _dir.Acquire("async-rel");
        await l.DisposeAsync();
        Assert.False(File.Exists(l.Paths.PidFile));
        using var again = _dir.TryAcquire("async-rel");
        Assert.NotNull(again);
    }

    [Fact]
    public void Second_acquire_in_the_same_process_is_refused_with_our_pid()
    {
        // flock belongs to the open file description, so two handles in one process conflict too.
        using var first = _dir.Acquire("twice");
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("twice"));
        Assert.Equal(Environment.ProcessId, e.OwnerPid);
        Assert.Contains($"Daemon already running (PID: {Environment.ProcessId})", e.Message, StringComparison.Ordinal);
        Assert.Null(_dir.TryAcquire("twice"));
        Assert.Equal(Environment.ProcessId, DaemonProbe.GetStatus("twice", _dir.Options()).Pid);
    }

    [Fact]
    public void Release_does_not_remove_a_pid_file_that_was_replaced()
    {
        var l = _dir.Acquire("replaced");
        string foreign = Path.Join(_dir.Root, "foreign");
        File.WriteAllText(foreign, "777\n");
        File.Move(foreign, l.Paths.PidFile, overwrite: true);
        Assert.False(l.CheckIntegrity());
        Assert.True(l.PidFileLost.IsCancellationRequested);
        l.Dispose();
        Assert.Equal("777\n", File.ReadAllText(l.Paths.PidFile));
    }

    [Fact]
    public void Integrity_check_fires_the_token_when_the_pid_file_is_deleted()
    {
        var log = new CapturingLogger();
        using var l = _dir.Acquire("deleted", o => o.Logger = log);
        Assert.True(l.CheckIntegrity());
        File.Delete(l.Paths.PidFile);
        Assert.False(l.CheckIntegrity());
        Assert.True(l.PidFileLost.IsCancellationRequested);
        Assert.Contains(log.Entries, e => e.Message.Contains("removed or replaced", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_threads_racing_get_exactly_one_lock()
    {
        for (int round = 0; round < 50; round++)
        {
            using var barrier = new Barrier(2);
            var results = new InstanceLock?[2];
            var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
            {
                barrier.SignalAndWait();
                results[i] = _dir.TryAcquire("threads", o => o.OwnerWaitWindow = TimeSpan.Zero);
            })).ToArray();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();
            Assert.Single(results, r => r is not null);
            foreach (var r in results) r?.Dispose();
        }
    }

    [Fact]
    public void Stale_files_are_overwritten_and_the_recovery_is_logged()
    {
        var paths = _dir.Paths("stale");
        Directory.CreateDirectory(_dir.Runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(paths.PidFile, "999999\n");
        File.WriteAllText(paths.StateFile, "{\"version\": 2, \"name\": \"stale\", \"pid\": 999999}");
        File.WriteAllBytes(paths.LockFile, []);
        File.SetUnixFileMode(paths.LockFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var log = new CapturingLogger();
        using var l = _dir.Acquire("stale", o => o.Logger = log);
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(paths.PidFile));
        Assert.Equal(Environment.ProcessId, StateFile.Read(paths.StateFile)!.Pid);
        Assert.Contains(log.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("999999", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\0\0\0\0")]
    [InlineData("{\n  \"version\": 2,\n  \"name\": \"sta")]
    public void A_state_file_a_crash_left_empty_zeroed_or_torn_is_replaced(string content)
    {
        var paths = _dir.Paths("torn");
        Directory.CreateDirectory(_dir.Runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(paths.StateFile, content);
        using var l = _dir.Acquire("torn");
        Assert.Equal(Environment.ProcessId, StateFile.Read(paths.StateFile)!.Pid);
    }

    [Theory]
    [InlineData("{\"listen\": 8080}", "not a PidGuard state file")]
    [InlineData("port=8080\n", "not a PidGuard state file")]
    [InlineData("{\"version\": 2, \"name\": \"other\", \"pid\": 5}", "records the daemon 'other'")]
    public async Task Another_programs_file_at_the_state_file_path_is_never_overwritten_or_removed(string content, string why)
    {
        // A runtime directory shared with other programs (--dir ~/myapp holding myapp's own app.json).
        var paths = _dir.Paths("app");
        Directory.CreateDirectory(_dir.Runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(paths.StateFile, content);
        var e = Assert.Throws<PidGuardException>(() => _dir.Acquire("app"));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Contains(paths.StateFile, e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(paths.StateFile));
        Assert.False(File.Exists(paths.PidFile));
        Assert.Equal(DaemonState.NotRunning, DaemonProbe.GetStatus("app", _dir.Options()).State);
        var stop = await DaemonStopper.StopAsync("app", options: _dir.Options(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(StopResult.NotRunning, stop.Result);
        Assert.Equal(content, File.ReadAllText(paths.StateFile));
    }

    [Fact]
    public void Another_programs_pid_file_naming_a_live_process_is_not_taken_over_without_a_lock_file()
    {
        // Another tool's pid file in a shared directory, naming a live process (this one stands in for it).
        var paths = _dir.Paths("sshd");
        Directory.CreateDirectory(_dir.Runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(paths.PidFile, $"{Environment.ProcessId}\n");
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("sshd"));
        Assert.Equal(Environment.ProcessId, e.OwnerPid);
        Assert.Contains("not written by PidGuard", e.Message, StringComparison.Ordinal);
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(paths.PidFile));

        File.WriteAllText(paths.PidFile, "999999\n"); // dead: a stale pid file of anyone may be replaced
        using var l = _dir.Acquire("sshd");
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(paths.PidFile));
    }

    [Fact]
    public void Leftover_temp_file_of_a_crashed_writer_is_replaced()
    {
        var paths = _dir.Paths("temp");
        Directory.CreateDirectory(_dir.Runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(paths.PidTempFile, "half");
        using var l = _dir.Acquire("temp");
        Assert.False(File.Exists(paths.PidTempFile));
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(paths.PidFile));
    }

    [Fact]
    public void Locked_but_empty_waits_the_window_then_reports_no_pid()
    {
        var paths = _dir.Paths("empty");
        RuntimeDirectory.Ensure(_dir.Runtime);
        // Another open file description takes the lock and never writes a pid file.
        var p = Platforms.Current;
        using var fd = LockFile.TryLockExclusive(p, paths.LockFile)!;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("empty"));
        // Race: a child another test forks meanwhile shares the descriptor until its exec closes it (CLOEXEC),
        // and the kernel then shows it holding the lock: only such a child of this process may be named.
        if (e.OwnerPid is not { } named)
            Assert.Contains("Daemon already running (PID: unknown)", e.Message, StringComparison.Ordinal);
        else if (File.Exists($"/proc/{named}/stat"))
            Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText($"/proc/{named}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.InRange(clock.ElapsedMilliseconds, 90, 2000);
        Assert.False(File.Exists(paths.PidFile)); // the loser wrote nothing
    }

    [Fact]
    public async Task Locked_owner_that_writes_late_within_the_window_is_reported()
    {
        var paths = _dir.Paths("late");
        RuntimeDirectory.Ensure(_dir.Runtime);
        var p = Platforms.Current;
        using var fd = LockFile.TryLockExclusive(p, paths.LockFile)!;
        var writer = Task.Run(async () =>
        {
            await Task.Delay(30, TestContext.Current.CancellationToken);
            // Write exactly what a holder writes: state, then pid.
            var record = new DaemonStateRecord { Name = "late", Pid = Environment.ProcessId, StartToken = ProcessIdentity.GetStartToken(Environment.ProcessId), BootId = ProcessIdentity.BootId };
            File.WriteAllBytes(paths.StateFile, StateFile.Serialize(record));
            File.WriteAllText(paths.PidFile, $"{Environment.ProcessId}\n");
        }, TestContext.Current.CancellationToken);
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("late", o => o.OwnerWaitWindow = TimeSpan.FromSeconds(2)));
        Assert.Equal(Environment.ProcessId, e.OwnerPid);
        await writer;
    }

    [Fact]
    public void Loser_reports_a_stale_pid_only_as_unknown_while_a_new_holder_has_not_written()
    {
        // The pid file still names a dead process from an earlier crash: it must not be reported as the owner.
        var paths = _dir.Paths("oldpid");
        RuntimeDirectory.Ensure(_dir.Runtime);
        int dead = DeadPid();
        File.WriteAllText(paths.PidFile, $"{dead}\n");
        using var fd = LockFile.TryLockExclusive(Platforms.Current, paths.LockFile)!;
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("oldpid"));
        Assert.Null(e.OwnerPid);
        Assert.Equal($"{dead}\n", File.ReadAllText(paths.PidFile));
    }

    [Fact]
    public async Task AcquireAsync_waits_for_the_holder_and_honours_timeout_and_cancellation()
    {
        var first = _dir.Acquire("wait");
        var e = await Assert.ThrowsAsync<AlreadyRunningException>(async () => await InstanceLock.AcquireAsync("wait", _dir.Options(), TimeSpan.FromMilliseconds(150), TestContext.Current.CancellationToken));
        Assert.Equal(Environment.ProcessId, e.OwnerPid);
        using (var cts = new CancellationTokenSource(100))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await InstanceLock.AcquireAsync("wait", _dir.Options(), Timeout.InfiniteTimeSpan, cts.Token));
        _ = Task.Delay(200, TestContext.Current.CancellationToken).ContinueWith(_ => first.Dispose(), TaskScheduler.Default);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var second = await InstanceLock.AcquireAsync("wait", _dir.Options(), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.InRange(clock.ElapsedMilliseconds, 150, 5000);
        Assert.Equal($"{Environment.ProcessId}\n", await File.ReadAllTextAsync(second.Paths.PidFile, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void UpdateState_and_Heartbeat_rewrite_the_state_file()
    {
        using var l = _dir.Acquire("beat", o => o.HeartbeatInterval = TimeSpan.FromSeconds(5));
        var before = StateFile.Read(l.Paths.StateFile)!.HeartbeatAt;
        Assert.NotNull(before);
        Assert.True(SpinWait.SpinUntil(() => DateTimeOffset.UtcNow > before, 1000));
        l.Heartbeat("serving 3 clients");
        var after = StateFile.Read(l.Paths.StateFile)!;
        Assert.True(after.HeartbeatAt > before);
        Assert.Equal("serving 3 clients", after.Status);
        Assert.Equal(5000, after.HeartbeatIntervalMs);
        l.UpdateState(s => { s.Restarts = 2; s.Pid = 1; });
        var updated = StateFile.Read(l.Paths.StateFile)!;
        Assert.Equal(2, updated.Restarts);
        Assert.Equal(Environment.ProcessId, updated.Pid); // the PID cannot be forged through UpdateState
    }

    [Fact]
    public void Unresponsive_when_heartbeats_stop()
    {
        using var l = _dir.Acquire("wedged", o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(200));
        l.Heartbeat();
        Assert.False(DaemonProbe.GetStatus("wedged", _dir.Options()).IsUnresponsive); // 3 intervals (600 ms) have not passed
        DaemonStatus s = null!;
        Assert.True(SpinWait.SpinUntil(() => (s = DaemonProbe.GetStatus("wedged", _dir.Options())).IsUnresponsive, 10_000));
        Assert.Equal(DaemonState.Running, s.State);
        Assert.True(s.HeartbeatAge > TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public void Lock_file_that_is_a_symlink_is_refused_and_left_alone()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        string target = Path.Join(_dir.Root, "elsewhere");
        File.WriteAllText(target, "keep");
        File.CreateSymbolicLink(_dir.Paths("sym").LockFile, target);
        var e = Assert.Throws<PidGuardException>(() => _dir.Acquire("sym"));
        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
        Assert.Contains("sym.lock", e.Message, StringComparison.Ordinal);
        Assert.Equal("keep", File.ReadAllText(target));
        Assert.False(File.Exists(_dir.Paths("sym").PidFile));
    }

    [Fact]
    public void Invalid_name_is_rejected_before_touching_the_disk()
    {
        Assert.Throws<ArgumentException>(() => _dir.Acquire("../evil"));
        Assert.False(Directory.Exists(_dir.Runtime));
    }

    [Fact]
    public void Adopt_without_an_inherited_descriptor_is_a_clear_error()
    {
        Assert.False(InstanceLock.HasInheritedLock);
        var e = Assert.Throws<PidGuardException>(() => InstanceLock.Adopt("x", _dir.Options()));
        Assert.Contains(InstanceLock.LockFdEnvironmentVariable, e.Message, StringComparison.Ordinal);
    }

    internal static int DeadPid()
    {
        using var p = System.Diagnostics.Process.Start("true")!;
        Assert.True(p.WaitForExit(30_000), "'true' did not exit");
        return p.Id;
    }
}
