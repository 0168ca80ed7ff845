namespace PidGuard.Cluster.Postgres;

/// <summary>A name's cluster status: what <c>pidguard status --cluster</c> and <c>list --cluster</c> show.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The daemon name.</param>
/// <param name="State">Running, released, expired or not running.</param>
/// <param name="Holder">The current or last holder from <c>pidguard_lease</c>, when there is one.</param>
/// <param name="LastRenewalAge">How long ago the holder last renewed, by the server's clock.</param>
/// <param name="ReleasedAt">When the last holder released cleanly, if it did.</param>
/// <param name="StopRequestedAt">When a stop was requested of the current holder, if it was.</param>
/// <param name="Sessions">The sessions holding (first) or waiting for the lock.</param>
public sealed record ClusterStatus(
    string Namespace,
    string Name,
    ClusterState State,
    ClusterHolder? Holder,
    TimeSpan? LastRenewalAge,
    DateTimeOffset? ReleasedAt,
    DateTimeOffset? StopRequestedAt,
    IReadOnlyList<ClusterSession> Sessions)
{
    /// <summary>The waiting candidates.</summary>
    public IEnumerable<ClusterSession> Candidates => Sessions.Where(s => !s.Holds);

    /// <summary>The session that holds the lock now, if any.</summary>
    public ClusterSession? HoldingSession => Sessions.FirstOrDefault(s => s.Holds);
}
