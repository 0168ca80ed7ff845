using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PidGuard;
using PidGuard.Cluster.Postgres;
using PidGuard.Hosting;

/// <summary>
/// hosted: a generic-host worker guarded by AddPidGuard(name).AddPostgresCluster(...), run with
/// RunAsDaemonAsync. It prints WORKING with the fencing token while it holds the lease, SCOPE_LOST
/// when the lease is lost, and EXIT with the exit code. --ignore-stop makes its work ignore the
/// host's stop (a wedged worker), to show the process is ended anyway.
/// </summary>
internal static class HostedWorker
{
    public static async Task<int> RunAsync(string[] args, Func<string, string?, string> flag, Action<string> say)
    {
        var t = flag("--timing", null).Split(',').Select(s => TimeSpan.FromMilliseconds(double.Parse(s, CultureInfo.InvariantCulture))).ToArray();
        var builder = Host.CreateApplicationBuilder([]);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new SayLoggerProvider(say));
        builder.Services.AddPidGuard(flag("--name", null), o =>
        {
            o.RuntimeDirectory = flag("--dir", null);
            o.SyncWrites = false;
            o.HeartbeatInterval = TimeSpan.Zero;
        }).AddPostgresCluster(flag("--cs", null), c =>
        {
            c.HostName = flag("--host", null);
            (c.LeaseDuration, c.RenewDeadline, c.RenewInterval, c.HeartbeatTimeout) = (t[0], t[1], t[2], t[3]);
            c.ConnectTimeout = TimeSpan.FromSeconds(2);
        });
        bool ignoreStop = Array.IndexOf(args, "--ignore-stop") >= 0;
        builder.Services.AddHostedService(sp => new Work(sp.GetRequiredService<IClusterLease>(), sp.GetRequiredService<IPidGuardDaemon>(), say, ignoreStop));
        using var host = builder.Build();
        int code = await host.RunAsDaemonAsync();
        say($"EXIT {code.ToString(CultureInfo.InvariantCulture)}");
        return code;
    }

    private sealed class Work(IClusterLease lease, IPidGuardDaemon daemon, Action<string> say, bool ignoreStop) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            daemon.ScopeLost += (_, e) => say($"SCOPE_LOST t={Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)} reason={e.Reason}");
            say($"WORKING epoch={lease.Token.ToString(CultureInfo.InvariantCulture)} t={Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)}");
            try
            {
                await Task.Delay(Timeout.Infinite, ignoreStop ? CancellationToken.None : stoppingToken);
            }
            catch (OperationCanceledException)
            {
                say("STOPPING");
            }
        }
    }

    private sealed class SayLoggerProvider(Action<string> say) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new SayLogger(say);

        public void Dispose()
        {
        }
    }

    private sealed class SayLogger(Action<string> say) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            say($"LOG {logLevel} {formatter(state, exception).ReplaceLineEndings(" ")}");
    }
}
