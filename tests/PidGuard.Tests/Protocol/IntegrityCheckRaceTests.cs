using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// Regression: CheckIntegrity compared the pid file it captured with the one recorded after a rewrite
/// by value. ext4 gives a replaced file's inode to the next file created, so after two rewrites by the
/// holder during one check the recorded file equalled the captured one and the holder's own rewrite
/// was reported as a lost pid file (PidFileLost fired, a warning was logged).
/// </summary>
public sealed class IntegrityCheckRaceTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DaemonStartInfo Quiet(string program) =>
        new(program) { StandardOutput = DaemonStdio.Null, StandardError = DaemonStdio.Null };

    private static Task<ExitRecord> Exited(DaemonProcess p) =>
        p.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_holders_own_rewrites_of_the_pid_file_never_count_as_a_lost_pid_file()
    {
        using var supervisor = _dir.Acquire("rewrites", o => { o.Supervising = true; o.SyncWrites = false; });
        using var a = supervisor.StartProcess(Quiet("true"));
        using var b = supervisor.StartProcess(Quiet("true"));
        await Exited(a);
        await Exited(b);
        supervisor.RecordMainProcess(a);
        using var stop = new CancellationTokenSource();
        var checker = Task.Factory.StartNew(() =>
        {
            int checks = 0;
            while (!stop.IsCancellationRequested && supervisor.CheckIntegrity())
                checks++;
            return checks;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        // The race needs two rewrites within one check: up to 3 s of rewrites showed it in 5 runs of 5 before the fix.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 6000 && clock.ElapsedMilliseconds < 3000 && !checker.IsCompleted; i++)
            supervisor.RecordMainProcess(i % 2 == 0 ? b : a);
        await stop.CancelAsync();
        int checks = await checker.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.False(supervisor.PidFileLost.IsCancellationRequested, $"a rewrite was taken for a lost pid file after {checks} checks");
        Assert.True(checks > 10, $"only {checks} integrity checks ran alongside the rewrites");
    }
}
