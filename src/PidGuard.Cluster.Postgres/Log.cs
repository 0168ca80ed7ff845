using Microsoft.Extensions.Logging;

namespace PidGuard.Cluster.Postgres;

/// <summary>The package's log messages (source-generated).</summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Information, "Acquired the cluster lease of {Name} (epoch {Epoch}) on {Server}.")]
    public static partial void Acquired(ILogger logger, string name, long epoch, string server);

    [LoggerMessage(102, LogLevel.Information, "Waiting {WaitMs} ms before starting {Name}: the previous holder (epoch {PreviousEpoch}) did not release cleanly and its lease has not run out yet.")]
    public static partial void TakeoverWait(ILogger logger, string name, long waitMs, long previousEpoch);

    [LoggerMessage(103, LogLevel.Warning, "Heartbeat of {Name} (epoch {Epoch}) failed; the lease is lost if none succeeds within the deadline.")]
    public static partial void HeartbeatFailed(ILogger logger, Exception exception, string name, long epoch);

    [LoggerMessage(104, LogLevel.Error, "The cluster lease of {Name} (epoch {Epoch}) is lost: {Reason}. Work under it must stop now.")]
    public static partial void Lost(ILogger logger, string name, long epoch, string reason);

    [LoggerMessage(105, LogLevel.Information, "A stop was requested of {Name} (epoch {Epoch}).")]
    public static partial void StopRequested(ILogger logger, string name, long epoch);

    [LoggerMessage(106, LogLevel.Information, "Released the cluster lease of {Name} (epoch {Epoch}).")]
    public static partial void Released(ILogger logger, string name, long epoch);

    [LoggerMessage(107, LogLevel.Warning, "Waiting for the cluster lease of {Name}: the connection to {Server} failed; retrying.")]
    public static partial void WaitRetry(ILogger logger, Exception exception, string name, string server);

    [LoggerMessage(108, LogLevel.Warning, "Could not mark the cluster lease of {Name} released; a successor will wait for the lease to run out.")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(109, LogLevel.Warning, "A callback registered on the Lost or StopRequested token of {Name} threw.")]
    public static partial void CallbackFailed(ILogger logger, Exception exception, string name);
}
