using PidGuard.Cluster.Postgres;

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

    /// <summary>Stands in for the application's own fenced work.</summary>
    internal sealed class Billing
    {
        public Task RunBatchAsync(long fencingToken, CancellationToken ct) => Task.Delay(1000, ct);
    }

    internal static Task Use(CancellationToken ct) => Task.WhenAll(ReadmeAsync(ct), ClusterDocAsync(new Billing(), ct));
}
