namespace PidGuard.Cli.Cluster;

/// <summary>The <c>cluster</c> object of <c>NAME.start.json</c>: what `restart` needs besides the connection, which NAME.env (0600) keeps.</summary>
internal sealed class ClusterDefinition
{
    public string? Namespace { get; set; }
    public double? LeaseDurationSeconds { get; set; }
    public double? RenewDeadlineSeconds { get; set; }
    public double? RenewIntervalSeconds { get; set; }
    public double? HeartbeatTimeoutSeconds { get; set; }
    public double? ConnectTimeoutSeconds { get; set; }

    public static ClusterDefinition From(ClusterSettings s) => new()
    {
        Namespace = s.Namespace,
        LeaseDurationSeconds = s.LeaseDuration?.TotalSeconds,
        RenewDeadlineSeconds = s.RenewDeadline?.TotalSeconds,
        RenewIntervalSeconds = s.RenewInterval?.TotalSeconds,
        HeartbeatTimeoutSeconds = s.HeartbeatTimeout?.TotalSeconds,
        ConnectTimeoutSeconds = s.ConnectTimeout?.TotalSeconds,
    };

    public ClusterSettings ToSettings(IReadOnlyDictionary<string, string> environment) => new()
    {
        Connection = environment.TryGetValue(ClusterOptions.ConnectionVariable, out string? c) && c.Length > 0 ? c
            : throw new CliError($"the cluster connection is not recorded ({ClusterOptions.ConnectionVariable} is missing from the saved environment); start the daemon again with 'pidguard start --cluster'", ExitCodes.Failure),
        Namespace = Namespace,
        LeaseDuration = Span(LeaseDurationSeconds),
        RenewDeadline = Span(RenewDeadlineSeconds),
        RenewInterval = Span(RenewIntervalSeconds),
        HeartbeatTimeout = Span(HeartbeatTimeoutSeconds),
        ConnectTimeout = Span(ConnectTimeoutSeconds),
    };

    private static TimeSpan? Span(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;
}
