using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PidGuard.Hosting;

namespace PidGuard.Cluster.Postgres;

/// <summary>Makes a guarded host (<c>AddPidGuard</c>) the one instance of its name across every host sharing a PostgreSQL database.</summary>
public static class PidGuardClusterHostingExtensions
{
    /// <summary>The configuration section the cluster options are bound from.</summary>
    public const string SectionName = "PidGuard:Cluster";

    /// <summary>
    /// Adds the cluster lease to the guarded host: taken right after the host's instance lock and before
    /// any other hosted service starts (a holder on another host fails the start: <c>RunAsDaemonAsync</c>
    /// returns 75), released after every service stopped. Losing it stops the host within the lease's
    /// margin and exits 69 (<see cref="PidGuardHostOptions.ScopeLostBehavior"/>); a stop requested from
    /// another host (<c>pidguard stop NAME --cluster</c>) stops the host gracefully. Options: the
    /// <c>PidGuard:Cluster</c> section, then <paramref name="connectionString"/> (or <c>PIDGUARD_CLUSTER</c>),
    /// then <paramref name="configure"/>. Registers <see cref="IClusterLease"/> for the work to fence its writes.
    /// </summary>
    public static IServiceCollection AddPostgresCluster(this IServiceCollection services, string? connectionString = null, Action<PostgresClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<PostgresClusterOptions>()
            .Configure<IServiceProvider>((o, sp) =>
            {
                if (sp.GetService<IConfiguration>() is { } configuration)
                    ClusterConfigurationSection.Apply(configuration, SectionName, o);
                if (connectionString is not null)
                    o.ConnectionString = connectionString;
                configure?.Invoke(o);
            });
        services.TryAddSingleton<PostgresClusterScope>();
        services.AddSingleton<IDaemonScope>(sp => sp.GetRequiredService<PostgresClusterScope>());
        services.TryAddSingleton<IClusterLease>(sp => sp.GetRequiredService<PostgresClusterScope>());
        return services;
    }
}
