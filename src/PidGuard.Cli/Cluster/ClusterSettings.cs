namespace PidGuard.Cli.Cluster;

/// <summary>
/// The cluster scope as given on the command line: plain values only, so that commands without
/// --cluster never touch the cluster package (nor Npgsql). <see cref="ClusterLease"/> and the
/// admin commands turn it into the library's options.
/// </summary>
internal sealed record ClusterSettings
{
    /// <summary>Set by tests and containers whose host name says nothing: the host recorded for the holder.</summary>
    public const string HostVariable = "PIDGUARD_CLUSTER_HOST";

    /// <summary>The Npgsql connection string or postgres:// URL.</summary>
    public required string Connection { get; init; }

    public string? Namespace { get; init; }
    public TimeSpan? LeaseDuration { get; init; }
    public TimeSpan? RenewDeadline { get; init; }
    public TimeSpan? RenewInterval { get; init; }
    public TimeSpan? HeartbeatTimeout { get; init; }
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>The host name recorded for a holder: $PIDGUARD_CLUSTER_HOST, else the machine's name.</summary>
    public static string HostName =>
        Environment.GetEnvironmentVariable(HostVariable) is { Length: > 0 } host ? host : Environment.MachineName;
}
