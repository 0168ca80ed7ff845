using PidGuard.Hosting;

namespace Worker;

/// <summary>
/// Does "work" every Worker:IntervalMs (default 1000) and reports it as the daemon's status.
/// Worker:MarkerDir, when set, gets a file per process the moment this service starts (so tests
/// can prove a second instance never got this far). Worker:WedgeAfter stops the loop (and with
/// PidGuard:AutomaticHeartbeat=false, the heartbeat) after that many rounds.
/// </summary>
internal sealed partial class PeriodicWork(IDaemonHeartbeat heartbeat, IPidGuardDaemon daemon, IConfiguration config, ILogger<PeriodicWork> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (config["Worker:MarkerDir"] is { Length: > 0 } dir)
            File.WriteAllText(Path.Join(dir, $"started-{Environment.ProcessId}"), DateTimeOffset.UtcNow.ToString("O"));
        daemon.Reloading += (_, _) => LogReloaded(logger, config["Worker:Greeting"] ?? "(none)");
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        int interval = int.TryParse(config["Worker:IntervalMs"], out int ms) ? ms : 1000;
        int wedgeAfter = int.TryParse(config["Worker:WedgeAfter"], out int w) ? w : int.MaxValue;
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, daemon.PidFileLost);
        for (int round = 1; !lost.IsCancellationRequested; round++)
        {
            if (round > wedgeAfter)
            {
                LogWedged(logger, round);
                await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
            }
            LogRound(logger, round);
            heartbeat.Beat($"processed {round} batches");
            try
            {
                await Task.Delay(interval, lost.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (daemon.PidFileLost.IsCancellationRequested)
            {
                LogPidFileLost(logger);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "round {Round} done")]
    private static partial void LogRound(ILogger logger, int round);

    [LoggerMessage(2, LogLevel.Warning, "wedged at round {Round} (Worker:WedgeAfter)")]
    private static partial void LogWedged(ILogger logger, int round);

    [LoggerMessage(3, LogLevel.Information, "reloaded; greeting is now {Greeting}")]
    private static partial void LogReloaded(ILogger logger, string greeting);

    [LoggerMessage(4, LogLevel.Warning, "pid file lost; stopping work")]
    private static partial void LogPidFileLost(ILogger logger);
}
