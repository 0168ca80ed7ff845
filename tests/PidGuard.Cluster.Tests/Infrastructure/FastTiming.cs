using PidGuard.Cluster.Postgres;

namespace PidGuard.Cluster.Tests.Infrastructure;

/// <summary>Short but valid lease timings, so that a failover round takes seconds.</summary>
public static class FastTiming
{
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan RenewDeadline = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan RenewInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>As the TestHost's <c>--timing</c> argument: L,D,R,H in milliseconds.</summary>
    public const string Argument = "4000,2000,250,500";

    public static PostgresClusterOptions Options(string connectionString, string runtimeDirectory, string? host = null) => new()
    {
        ConnectionString = connectionString,
        LeaseDuration = LeaseDuration,
        RenewDeadline = RenewDeadline,
        RenewInterval = RenewInterval,
        HeartbeatTimeout = HeartbeatTimeout,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        HostName = host ?? "test-host",
        LocalOptions = new PidGuardOptions { RuntimeDirectory = runtimeDirectory, SyncWrites = false },
    };
}
