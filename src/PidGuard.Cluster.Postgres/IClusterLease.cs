namespace PidGuard.Cluster.Postgres;

/// <summary>
/// The cluster lease a daemon holds, as the application sees it (injectable when the host was set up
/// with <see cref="PidGuardClusterHostingExtensions.AddPostgresCluster"/>).
/// </summary>
public interface IClusterLease
{
    /// <summary>The daemon name.</summary>
    string Name { get; }

    /// <summary>The fencing token: pass it with every write to a system that refuses older tokens.</summary>
    long Token { get; }

    /// <summary>Fires once the lease is lost: stop all work at once.</summary>
    CancellationToken Lost { get; }

    /// <summary>Fires when another process asked this holder to stop gracefully.</summary>
    CancellationToken StopRequested { get; }

    /// <summary>True while the lease is valid by the clock right now: check it right before a side effect.</summary>
    bool IsHeld { get; }

    /// <summary>Why the lease was lost, once it is.</summary>
    string? LostReason { get; }

    /// <summary>Throws <see cref="ClusterLeaseLostException"/> unless <see cref="IsHeld"/>.</summary>
    void ThrowIfLost();
}
