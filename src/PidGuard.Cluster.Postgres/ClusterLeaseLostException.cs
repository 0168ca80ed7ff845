namespace PidGuard.Cluster.Postgres;

/// <summary>Thrown by <see cref="PostgresClusterLease.ThrowIfLost"/> once the lease is lost: stop working.</summary>
public sealed class ClusterLeaseLostException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public ClusterLeaseLostException(string name, long epoch, string reason, CancellationToken token)
        : base($"The cluster lease of '{name}' (epoch {epoch}) is lost: {reason}. Stop all work done under it.", null, token)
    {
        DaemonName = name;
        Epoch = epoch;
        Reason = reason;
    }

    /// <summary>The daemon name.</summary>
    public string DaemonName { get; }

    /// <summary>The epoch (fencing token) that is no longer valid.</summary>
    public long Epoch { get; }

    /// <summary>Why it was lost.</summary>
    public string Reason { get; }
}
