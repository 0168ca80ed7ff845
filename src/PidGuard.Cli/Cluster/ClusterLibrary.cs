using PidGuard.Cluster.Postgres;

namespace PidGuard.Cli.Cluster;

/// <summary>The library's options and lock from <see cref="ClusterSettings"/>; unsafe or malformed settings are usage errors.</summary>
internal static class ClusterLibrary
{
    public static PostgresClusterOptions Options(ClusterSettings s, string? runtimeDirectory)
    {
        if (!ClusterFeature.IsSupported)
            throw ClusterFeature.Missing();
        var o = new PostgresClusterOptions
        {
            ConnectionString = s.Connection,
            HostName = ClusterSettings.HostName,
            AcquireHostLock = false, // the supervisor holds the host lock already
            LocalOptions = runtimeDirectory is null ? null : new PidGuardOptions { RuntimeDirectory = runtimeDirectory },
        };
        if (s.Namespace is { } ns)
            o.Namespace = ns;
        if (s.LeaseDuration is { } l)
            o.LeaseDuration = l;
        if (s.RenewDeadline is { } d)
            o.RenewDeadline = d;
        if (s.RenewInterval is { } r)
            o.RenewInterval = r;
        if (s.HeartbeatTimeout is { } h)
            o.HeartbeatTimeout = h;
        if (s.ConnectTimeout is { } c)
            o.ConnectTimeout = c;
        try
        {
            o.Validate();
        }
        catch (ArgumentException e)
        {
            throw CliError.Usage(e.Message.Split(" (Parameter", 2)[0]);
        }
        return o;
    }

    public static PostgresClusterLock Lock(string name, ClusterSettings s, string? runtimeDirectory) =>
        ClusterFeature.IsSupported ? new(name, Options(s, runtimeDirectory)) : throw ClusterFeature.Missing();
}
