namespace PidGuard.Cluster.Postgres;

/// <summary>What the server says about a name.</summary>
public enum ClusterState
{
    /// <summary>No session holds the lock and no holder was ever recorded.</summary>
    NotRunning,

    /// <summary>A session holds the lock.</summary>
    Running,

    /// <summary>No session holds the lock; the last holder released it cleanly.</summary>
    Released,

    /// <summary>No session holds the lock; the last holder went away without releasing (crash, partition, forced stop). A successor waits until its lease ran out.</summary>
    Expired,
}
