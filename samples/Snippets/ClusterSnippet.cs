using PidGuard.Cluster.Postgres;
using PidGuard.Hosting;

namespace Snippets;

/// <summary>README.md "Across hosts" and docs/CLUSTER.md.</summary>
internal static class ClusterSnippet
{
    static async Task ReadmeAsync(CancellationToken ct)
    {
        var clusterLock = new PostgresClusterLock("billing", new PostgresClusterOptions
        {
            ConnectionString = "postgres://app:secret@db1:5432/app",   // or an Npgsql connection string
        });
        await using var lease = await clusterLock.AcquireAsync(Timeout.InfiniteTimeSpan, ct);
        // work while lease.IsHeld; stop when lease.Lost fires; pass lease.Token with every write
    }

    static async Task ClusterDocAsync(Billing billing, CancellationToken ct)
    {
        var options = new PostgresClusterOptions
        {
            ConnectionString = "postgres://app:secret@db1:5432/app",   // or an Npgsql connection string
            LeaseDuration = TimeSpan.FromSeconds(15),
            RenewDeadline = TimeSpan.FromSeconds(10),
            RenewInterval = TimeSpan.FromSeconds(2),
        };
        var clusterLock = new PostgresClusterLock("billing", options);

        await using var lease = await clusterLock.AcquireAsync(Timeout.InfiniteTimeSpan, ct); // or TryAcquireAsync / Acquire / TryAcquire
        using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, lease.Lost, lease.StopRequested);
        while (!work.IsCancellationRequested)
        {
            lease.ThrowIfLost();
            await billing.RunBatchAsync(fencingToken: lease.Token, work.Token);
        }

        ClusterStatus status = await clusterLock.GetStatusAsync();   // holder host/PID/since/last renewal + age (server clock), epoch, candidates
        await clusterLock.RequestStopAsync();                        // the holder's StopRequested fires within one RenewInterval
        await clusterLock.ForceStopAsync();                          // pg_terminate_backend of the holder's session
        await clusterLock.WaitForReleaseAsync(TimeSpan.FromSeconds(30));
        IReadOnlyList<ClusterStatus> all = await PostgresClusterLock.ListAsync(options);
        Console.WriteLine($"{status.State}, {all.Count} names");
    }

    static async Task<int> HostedAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddPidGuard("billing").AddPostgresCluster("postgres://app:secret@db1:5432/app");
        builder.Services.AddHostedService<BillingWorker>();   // inject IClusterLease: Token, Lost, IsHeld, ThrowIfLost()
        using var host = builder.Build();
        return await host.RunAsDaemonAsync();   // 75: held on this host or another; 69: the lease was lost while running
    }

    /// <summary>Fences every write with the lease's token.</summary>
    internal sealed class BillingWorker(IClusterLease lease) : BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => new Billing().RunBatchAsync(lease.Token, stoppingToken);
    }

    /// <summary>Stands in for the application's own fenced work.</summary>
    internal sealed class Billing
    {
        public Task RunBatchAsync(long fencingToken, CancellationToken ct) => Task.Delay(1000, ct);
    }

    internal static Task Use(CancellationToken ct) => Task.WhenAll(ReadmeAsync(ct), ClusterDocAsync(new Billing(), ct), HostedAsync([]));
}
