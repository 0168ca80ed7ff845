using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PidGuard.Hosting;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests.Helpers;

/// <summary>Helper processes that use the public API, as a daemon on Windows would.</summary>
internal static class DaemonHelpers
{
    private static PidGuardOptions Options(string dir) => new() { RuntimeDirectory = dir };

    /// <summary>Takes the name, signals, and holds it until ended; it never watches its stop event.</summary>
    public static int AcquireAndHold(string dir, string name, string ready)
    {
        using var held = InstanceLock.Acquire(name, Options(dir));
        Signal.SetExisting(ready);
        Thread.Sleep(Bounds.HelperLifetime);
        return LockHelpers.Won;
    }

    /// <summary>The child of a handoff: adopts the name its parent hands over (PIDGUARD_NAME, PIDGUARD_RUNTIME_DIR), signals, holds it until ended.</summary>
    public static int AdoptAndHold(string ready)
    {
        using var held = InstanceLock.Adopt(Environment.GetEnvironmentVariable(InstanceLock.NameEnvironmentVariable)!);
        Signal.SetExisting(ready);
        Thread.Sleep(Bounds.HelperLifetime);
        return LockHelpers.Won;
    }

    /// <summary>Counts itself in, waits for the start, tries once, counts itself out, and keeps what it got until the test is done.</summary>
    public static int AcquireRace(string dir, string name, string ready, string go, string tried, string done)
    {
        Counter.ReleaseExisting(ready);
        if (!Signal.WaitExisting(go, Bounds.Step))
            return 98;
        InstanceLock? held = null;
        try
        {
            held = InstanceLock.Acquire(name, Options(dir));
        }
        catch (AlreadyRunningException)
        {
        }
        Counter.ReleaseExisting(tried);
        Signal.WaitExisting(done, Bounds.Step);
        held?.Dispose();
        return held is null ? LockHelpers.Lost : LockHelpers.Won;
    }

    /// <summary>A generic host guarded by PidGuard.Hosting: signals once its services run, writes <paramref name="stoppedFile"/> when stopped gracefully.</summary>
    public static int Host(string dir, string name, string ready, string stoppedFile)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddPidGuard(name, o => o.RuntimeDirectory = dir);
        builder.Services.AddHostedService(_ => new MarkerService(ready, stoppedFile));
        using var host = builder.Build();
        return host.RunAsDaemonAsync().GetAwaiter().GetResult();
    }

    private sealed class MarkerService(string ready, string stoppedFile) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            Signal.SetExisting(ready);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            File.WriteAllText(stoppedFile, "stopped gracefully");
            return Task.CompletedTask;
        }
    }
}
