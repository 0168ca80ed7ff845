using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// The stops that decide without sending any signal, in-process: nothing to stop, stale files,
/// unsafe directories, and every refusal. (Stops that signal run in PID namespaces: StopTests.)
/// </summary>
public class StopWithoutSignalTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private Task<StopOutcome> Stop(string name, PidGuardOptions? options = null) =>
        DaemonStopper.StopAsync(name, StopSchedule.Parse("TERM/1/KILL/1"), options: options ?? _dir.Options(), cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_name_that_never_ran_is_NotRunning()
    {
        var outcome = await Stop("never");
        Assert.Equal(StopResult.NotRunning, outcome.Result);
        Assert.Equal("never", outcome.Name);
        Assert.Null(outcome.Pid);
        Assert.Null(outcome.LastSignal);
        Assert.True(outcome.Succeeded);
    }

    [Fact]
    public async Task Stale_files_of_a_dead_daemon_are_cleaned_and_the_recovery_logged()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        var paths = _dir.Paths("stale");
        using (LockFile.TryLockExclusive(Platforms.Current, paths.LockFile)!)
        {
        }
        int dead = InstanceLockTests.DeadPid();
        File.WriteAllText(paths.PidFile, $"{dead}\n");
        var log = new CapturingLogger();
        var outcome = await Stop("stale", _dir.Options(o => o.Logger = log));
        Assert.Equal(StopResult.StaleCleaned, outcome.Result);
        Assert.Equal(dead, outcome.Pid);
        Assert.Equal($"PID {dead} no longer holds the lock of 'stale'; the pid file is stale", outcome.Reason);
        Assert.Null(outcome.LastSignal);
        Assert.False(File.Exists(paths.PidFile));
        Assert.Contains(log.Entries, e => e.Message.Contains(dead.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_state_file_left_by_an_ended_daemon_is_cleaned_without_a_pid()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        var paths = _dir.Paths("ended");
        File.WriteAllText(paths.LockFile, "");
        File.SetUnixFileMode(paths.LockFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(paths.StateFile, "{\"name\":\"ended\",\"pid\":77}");
        var outcome = await Stop("ended");
        Assert.Equal(StopResult.StaleCleaned, outcome.Result);
        Assert.Null(outcome.Pid);
        Assert.False(File.Exists(paths.StateFile));
    }

    [Fact]
    public async Task Stale_files_that_are_not_ours_are_not_removed_and_the_stop_fails()
    {
        Prerequisite.RequireRoot("chown to another user");
        RuntimeDirectory.Ensure(_dir.Runtime);
        var paths = _dir.Paths("foreign");
        using (LockFile.TryLockExclusive(Platforms.Current, paths.LockFile)!)
        {
        }
        File.WriteAllText(paths.PidFile, $"{InstanceLockTests.DeadPid()}\n");
        StaleFilesTests.GiveToNobody(paths.PidFile);
        var outcome = await Stop("foreign");
        Assert.Equal(StopResult.Failed, outcome.Result);
        Assert.Contains("the pid file is stale", outcome.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(paths.PidFile));
        Assert.False(outcome.Succeeded);
    }

    [Fact]
    public async Task An_unsafe_runtime_directory_fails_the_stop_naming_the_problem()
    {
        Directory.CreateDirectory(_dir.Runtime);
        File.SetUnixFileMode(_dir.Runtime, (UnixFileMode)Convert.ToInt32("777", 8));
        var outcome = await Stop("unsafe");
        Assert.Equal(StopResult.Failed, outcome.Result);
        Assert.Contains("group- or world-writable", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_the_calling_process_is_refused_and_it_keeps_its_lock()
    {
        using var held = _dir.Acquire("self");
        var outcome = await Stop("self");
        Assert.Equal(StopResult.Failed, outcome.Result);
        Assert.Equal(Environment.ProcessId, outcome.Pid);
        Assert.Equal($"PID {Environment.ProcessId} is this process", outcome.Reason);
        Assert.Null(outcome.LastSignal);
        Assert.False(held.IsReleased);
        Assert.True(File.Exists(held.Paths.PidFile));
    }

    [Fact]
    public async Task A_held_lock_whose_holder_is_not_proven_is_refused()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        var paths = _dir.Paths("unproven");
        using var holder = LockFile.TryLockExclusive(Platforms.Current, paths.LockFile)!;
        File.WriteAllText(paths.PidFile, "garbage\n"); // no PID: even a mutant that skipped a check could signal nothing
        var outcome = await Stop("unproven", _dir.Options(o => o.OwnerWaitWindow = TimeSpan.Zero));
        Assert.Equal(StopResult.Failed, outcome.Result);
        Assert.Null(outcome.Pid);
        Assert.EndsWith("holds 'g' where only decimal digits are allowed; there is no PID to signal", outcome.Reason, StringComparison.Ordinal);
        Assert.True(LockFile.IsHeld(Platforms.Current, paths.LockFile));
    }

    [Fact]
    public async Task A_legacy_pid_file_of_a_live_process_is_refused_and_kept()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        var paths = _dir.Paths("legacy");
        File.WriteAllText(paths.PidFile, $"{Environment.ProcessId}\n");
        var outcome = await Stop("legacy");
        Assert.Equal(StopResult.Failed, outcome.Result);
        Assert.Contains("no lock file", outcome.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(paths.PidFile));
    }
}
