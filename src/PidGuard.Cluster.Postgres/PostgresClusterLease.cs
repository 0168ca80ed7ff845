using Microsoft.Extensions.Logging;
using Npgsql;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// A held cluster lease: this process is the one instance of the name across all hosts until
/// <see cref="Lost"/> fires or the lease is disposed. Pass <see cref="Token"/> to every system the
/// work writes to, so that a holder that lost the lease without knowing it yet (a long GC pause, a
/// frozen VM) is refused there. Dispose only after the work has stopped: a clean release lets the
/// successor start at once; anything else makes it wait until this lease has run out.
/// </summary>
public sealed class PostgresClusterLease : IClusterLease, IAsyncDisposable, IDisposable
{
    private readonly LeaseRuntime _runtime;
    private readonly HostLock _hostLock;
    private int _disposed;

    internal PostgresClusterLease(LeaseRuntime runtime, HostLock hostLock)
    {
        _runtime = runtime;
        _hostLock = hostLock;
    }

    /// <summary>The daemon name.</summary>
    public string Name => _runtime.Name;

    /// <summary>The namespace.</summary>
    public string Namespace => _runtime.Namespace;

    /// <summary>
    /// The fencing token: the epoch of this holding, larger than that of every earlier holding of the
    /// name. Downstream systems must refuse writes carrying a smaller token than one they have seen.
    /// </summary>
    public long Token => _runtime.Epoch;

    /// <summary>
    /// Fires once the lease is lost: no heartbeat succeeded within <see cref="PostgresClusterOptions.RenewDeadline"/>,
    /// the session was terminated or the server restarted, or the row was taken over. Stop all work at
    /// once; the lease is never re-acquired by this object.
    /// </summary>
    public CancellationToken Lost => _runtime.Lost;

    /// <summary>Fires when another process asked this holder to stop (<c>pidguard stop --cluster</c>): stop gracefully, then dispose.</summary>
    public CancellationToken StopRequested => _runtime.StopRequested;

    /// <summary>This holding as recorded on the server; <see cref="ClusterHolder.LastRenewal"/> follows every heartbeat.</summary>
    public ClusterHolder Holder => _runtime.Holder;

    /// <summary>Why the lease was lost, once it is.</summary>
    public string? LostReason => _runtime.LostReason;

    /// <summary>
    /// True while the lease is valid: not lost, and the last successful heartbeat is within the
    /// deadline by the clock right now. Unlike <see cref="Lost"/>, which a timer fires, this is exact
    /// even in the first instant after the process was frozen: check it right before a side effect.
    /// </summary>
    public bool IsHeld => _runtime.IsHeld;

    /// <summary>
    /// How long the work may go on after <see cref="Lost"/> fired before the server can give the name to
    /// another process: half the margin between <see cref="PostgresClusterOptions.RenewDeadline"/> and
    /// <see cref="PostgresClusterOptions.LeaseDuration"/> (the server drops a silent session halfway through it).
    /// </summary>
    public TimeSpan StopWithin => _runtime.Timing.Margin / 2;

    /// <summary>How long acquiring waited after the lock was granted for the previous holder's lease to run out (zero after a clean release).</summary>
    public TimeSpan TakeoverWait { get; internal set; }

    /// <summary>Throws <see cref="ClusterLeaseLostException"/> unless <see cref="IsHeld"/>.</summary>
    public void ThrowIfLost()
    {
        if (!_runtime.IsHeld)
            throw new ClusterLeaseLostException(Name, Token, _runtime.LostReason ?? "its deadline has passed", Lost);
    }

    internal Task WaitForLostAsync(TimeSpan delay, CancellationToken ct) => _runtime.DelayUnlessLostAsync(delay, ct);

    /// <summary>
    /// Releases the lease: marks it released on the server (only if it is still held: then the
    /// successor may start at once), closes the session, then releases the host-local lock. Call it
    /// after the work has stopped. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            await _runtime.StopAsync(markReleased: true).ConfigureAwait(false);
        }
        finally
        {
            _hostLock.Dispose();
        }
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override string ToString() => $"PostgresClusterLease({Namespace}/{Name}, epoch {Token}, {(IsHeld ? "held" : "lost")})";
}
