using Microsoft.Extensions.Configuration;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// The settings of <see cref="PostgresClusterOptions"/> that configuration can carry (the logger and
/// the host-local options cannot), bound by the source-generated binder and copied over what is set.
/// </summary>
internal sealed class ClusterConfigurationSection
{
    public string? ConnectionString { get; set; }
    public string? Namespace { get; set; }
    public TimeSpan? LeaseDuration { get; set; }
    public TimeSpan? RenewDeadline { get; set; }
    public TimeSpan? RenewInterval { get; set; }
    public TimeSpan? HeartbeatTimeout { get; set; }
    public TimeSpan? ConnectTimeout { get; set; }
    public string? HostName { get; set; }

    public static void Apply(IConfiguration configuration, string sectionName, PostgresClusterOptions o)
    {
        var s = configuration.GetSection(sectionName).Get<ClusterConfigurationSection>();
        if (s is null)
            return;
        o.ConnectionString = s.ConnectionString ?? o.ConnectionString;
        o.Namespace = s.Namespace ?? o.Namespace;
        o.LeaseDuration = s.LeaseDuration ?? o.LeaseDuration;
        o.RenewDeadline = s.RenewDeadline ?? o.RenewDeadline;
        o.RenewInterval = s.RenewInterval ?? o.RenewInterval;
        o.HeartbeatTimeout = s.HeartbeatTimeout ?? o.HeartbeatTimeout;
        o.ConnectTimeout = s.ConnectTimeout ?? o.ConnectTimeout;
        o.HostName = s.HostName ?? o.HostName;
    }
}
