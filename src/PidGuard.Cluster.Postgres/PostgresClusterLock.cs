using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// The cluster-wide lock of a daemon name on PostgreSQL: at most one process across all hosts holds
/// a <see cref="PostgresClusterLease"/> for it at a time. Shaped like the core's <c>InstanceLock</c>:
/// acquire (throws when held), try (returns null), wait with a timeout and a cancellation token. Also
/// reads the status and asks or forces the holder to stop, from any host.
/// </summary>
public sealed class PostgresClusterLock
{
    /// <summary>Validates <paramref name="name"/> and <paramref name="options"/> (a copy is kept).</summary>
    public PostgresClusterLock(string name, PostgresClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DaemonName.Validate(name);
        options.Validate();
        Name = name;
        Options = options.Clone();
        Timing = LeaseTiming.From(Options);
        Server = ClusterConnectionString.Parse(Options.ConnectionString!);
        Key = LeaseKey.For(Options.Namespace, name);
    }

    /// <summary>The daemon name.</summary>
    public string Name { get; }

    /// <summary>The namespace.</summary>
    public string Namespace => Options.Namespace;

    /// <summary>The advisory lock key (see <see cref="LeaseKey"/>).</summary>
    public long Key { get; }

    /// <summary>The server as <c>host:port/database as user</c> (no password).</summary>
    public string ServerDescription => ClusterConnectionString.Describe(Server);

    internal PostgresClusterOptions Options { get; }

    internal LeaseTiming Timing { get; }

    internal NpgsqlConnectionStringBuilder Server { get; }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: forever; zero: one
    /// try) for the name, then throws <see cref="ClusterAlreadyRunningException"/>. When the previous
    /// holder did not release cleanly, also waits for its lease to run out (at most
    /// <see cref="PostgresClusterOptions.LeaseDuration"/>) before returning. A server that cannot be
    /// reached at the first attempt is a <see cref="ClusterConnectionException"/>; once connected, a
    /// server restart while waiting is waited out within the timeout.
    /// </summary>
    public async Task<PostgresClusterLease> AcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        (await new LeaseAcquirer(this).AcquireAsync(CheckTimeout(timeout), throwIfHeld: true, cancellationToken).ConfigureAwait(false))!;

    /// <summary>Like <see cref="AcquireAsync"/>, but returns null instead of throwing when another process holds the name.</summary>
    public Task<PostgresClusterLease?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        new LeaseAcquirer(this).AcquireAsync(CheckTimeout(timeout), throwIfHeld: false, cancellationToken);

    /// <summary>One try; throws <see cref="ClusterAlreadyRunningException"/> (<c>Daemon already running (host H, PID N)</c>) when held.</summary>
    public PostgresClusterLease Acquire() => Task.Run(() => AcquireAsync(TimeSpan.Zero)).GetAwaiter().GetResult();

    /// <summary>One try; false when another process holds the name.</summary>
    public bool TryAcquire([NotNullWhen(true)] out PostgresClusterLease? lease)
    {
        lease = Task.Run(() => TryAcquireAsync(TimeSpan.Zero)).GetAwaiter().GetResult();
        return lease is not null;
    }

    /// <summary>The holder, its last heartbeat and age (server clock), the epoch and the waiting candidates.</summary>
    public Task<ClusterStatus> GetStatusAsync(CancellationToken cancellationToken = default) => ClusterAdmin.StatusAsync(this, cancellationToken);

    /// <summary>
    /// Asks the holder to stop: it sees the request within one renew interval (at once when the
    /// notification gets through) and fires <see cref="PostgresClusterLease.StopRequested"/>. False when nothing holds the name.
    /// </summary>
    public Task<bool> RequestStopAsync(CancellationToken cancellationToken = default) => ClusterAdmin.RequestStopAsync(this, cancellationToken);

    /// <summary>
    /// Terminates the holder's PostgreSQL session (<c>pg_terminate_backend</c>). The holder sees its
    /// session end and fences itself; a successor still waits for the holder's lease to run out.
    /// Returns the terminated backend's PID, or null when nothing held the name.
    /// </summary>
    public Task<int?> ForceStopAsync(CancellationToken cancellationToken = default) => ClusterAdmin.ForceStopAsync(this, cancellationToken);

    /// <summary>Waits until no session holds the name; false when <paramref name="timeout"/> passed first.</summary>
    public Task<bool> WaitForReleaseAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        ClusterAdmin.WaitForReleaseAsync(this, CheckTimeout(timeout), cancellationToken);

    /// <summary>The status of every name recorded in <paramref name="options"/>' namespace.</summary>
    public static Task<IReadOnlyList<ClusterStatus>> ListAsync(PostgresClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return ClusterAdmin.ListAsync(ClusterConnectionString.Parse(options.ConnectionString!), LeaseTiming.From(options), options.Namespace, cancellationToken);
    }

    private static TimeSpan CheckTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be zero or positive, or Timeout.InfiniteTimeSpan.");
        return timeout;
    }

    /// <inheritdoc/>
    public override string ToString() => $"PostgresClusterLock({Namespace}/{Name} on {ServerDescription})";
}
