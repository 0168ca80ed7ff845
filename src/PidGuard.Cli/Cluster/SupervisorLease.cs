using System.Globalization;
using PidGuard.Cluster.Postgres;

namespace PidGuard.Cli.Cluster;

/// <summary>
/// The cluster lease a supervisor holds for its program. The supervisor knows it only through this
/// class, so a local `run` or `start` never loads the cluster package.
/// </summary>
internal sealed class SupervisorLease : IAsyncDisposable
{
    private readonly PostgresClusterLease _lease;

    private SupervisorLease(PostgresClusterLease lease, string server)
    {
        _lease = lease;
        Server = server;
    }

    public string Server { get; }

    public long Epoch => _lease.Token;

    public CancellationToken Lost => _lease.Lost;

    public CancellationToken StopRequested => _lease.StopRequested;

    public bool IsHeld => _lease.IsHeld;

    public string LostReason => _lease.LostReason ?? "its deadline passed";

    /// <summary>How long the program may run after <see cref="Lost"/> before the server can give the name to another host.</summary>
    public TimeSpan StopWithin => _lease.StopWithin;

    public TimeSpan TakeoverWait => _lease.TakeoverWait;

    public string EpochText => Epoch.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Takes the lease (the host lock is held already): one try, or up to <paramref name="wait"/>.
    /// Throws <see cref="ClusterAlreadyRunningException"/> (an <see cref="AlreadyRunningException"/>)
    /// naming the holder, or <see cref="ClusterConnectionException"/> naming the server.
    /// </summary>
    public static async Task<SupervisorLease> AcquireAsync(DaemonPaths paths, ClusterSettings settings, TimeSpan wait, CancellationToken ct)
    {
        var clusterLock = ClusterLibrary.Lock(paths.Name, settings, paths.Directory);
        var lease = await clusterLock.AcquireAsync(wait, ct).ConfigureAwait(false);
        return new SupervisorLease(lease, clusterLock.ServerDescription);
    }

    public ValueTask DisposeAsync() => _lease.DisposeAsync();
}
