using PidGuard.Hosting;

namespace Snippets;

/// <summary>src/PidGuard.Hosting/PACKAGE.md.</summary>
internal static class HostingPackageSnippet
{
    internal static async Task<int> Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddPidGuard("worker");
        builder.Services.AddHostedService<Work>();
        using var host = builder.Build();
        return await host.RunAsDaemonAsync(); // 75 when another instance runs, 78 when the runtime directory is unusable
    }

    private sealed class Work : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken);
    }
}
