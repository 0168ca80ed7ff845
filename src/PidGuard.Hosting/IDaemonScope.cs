namespace PidGuard.Hosting;

/// <summary>
/// A scope wider than this host that the daemon must also hold while it runs, such as a cluster lease
/// (PidGuard.Cluster.Postgres registers one). It is taken after the host's instance lock (or, under
/// <c>pidguard run</c>/<c>start</c>, after the supervisor's) and before any other hosted service
/// starts, and released after they have all stopped, before the instance lock. Losing it ends the
/// daemon (<see cref="PidGuardHostOptions.ScopeLostBehavior"/>); it is never taken again by the same run.
/// </summary>
public interface IDaemonScope
{
    /// <summary>What the scope is, for logs: <c>cluster lease 'billing' on db1:5432</c>.</summary>
    string Description { get; }

    /// <summary>
    /// Takes the scope for <paramref name="name"/>, waiting up to <paramref name="timeout"/> (zero: one try).
    /// Throws <see cref="AlreadyRunningException"/> (or a subclass) when another instance holds it, and
    /// <see cref="PidGuardException"/> when it cannot be taken (a server that does not answer).
    /// </summary>
    Task AcquireAsync(string name, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Fires when the scope is lost (the daemon must stop at once).</summary>
    CancellationToken Lost { get; }

    /// <summary>Why the scope was lost, once <see cref="Lost"/> fired.</summary>
    string? LostReason { get; }

    /// <summary>Fires when someone asked the daemon to stop through the scope (another host's <c>pidguard stop</c>).</summary>
    CancellationToken StopRequested { get; }

    /// <summary>
    /// How long the daemon may keep running after <see cref="Lost"/> fires before another instance can
    /// be given the scope: the host is stopped within it, or the process exits.
    /// </summary>
    TimeSpan StopWithin { get; }

    /// <summary>Releases the scope (idempotent).</summary>
    ValueTask ReleaseAsync();
}
