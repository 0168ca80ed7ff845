using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace PidGuard.Hosting;

/// <summary>Makes a generic-host app a PidGuard single-instance daemon.</summary>
public static class PidGuardHostingExtensions
{
    /// <summary>
    /// Guards the app as daemon <paramref name="name"/>: the instance lock is taken before any other
    /// hosted service starts and released after all have stopped; a second instance fails host start
    /// with <see cref="AlreadyRunningException"/>. Options come from the <c>PidGuard</c> configuration
    /// section, then <paramref name="configure"/>. Registers <see cref="IPidGuardDaemon"/> and
    /// <see cref="IDaemonHeartbeat"/>.
    /// </summary>
    public static IServiceCollection AddPidGuard(this IServiceCollection services, string name, Action<PidGuardHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        DaemonName.Validate(name);
        services.AddOptions<PidGuardHostOptions>()
            .BindConfiguration(PidGuardHostOptions.SectionName)
            .Configure(o =>
            {
                o.Name = name;
                configure?.Invoke(o);
            });
        services.TryAddSingleton<IDaemonNotifier, SdNotifier>();
        services.TryAddSingleton<PidGuardDaemonService>();
        services.TryAddSingleton<IPidGuardDaemon>(sp => sp.GetRequiredService<PidGuardDaemonService>());
        services.TryAddSingleton<IDaemonHeartbeat>(sp => sp.GetRequiredService<PidGuardDaemonService>());
        // First in line: hosted services start in registration order.
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory?.Method.DeclaringType == typeof(PidGuardHostingExtensions)))
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(GetService));
        return services;
    }

    private static PidGuardDaemonService GetService(IServiceProvider sp) => sp.GetRequiredService<PidGuardDaemonService>();

    /// <summary>The <see cref="IHostBuilder"/> form of <see cref="AddPidGuard"/>.</summary>
    public static IHostBuilder UsePidGuard(this IHostBuilder builder, string name, Action<PidGuardHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.ConfigureServices((_, services) => services.AddPidGuard(name, configure));
    }
}
