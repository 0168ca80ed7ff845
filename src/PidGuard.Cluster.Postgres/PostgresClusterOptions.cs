using Microsoft.Extensions.Logging;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// How a daemon name is held across hosts on PostgreSQL: the server, the lease timings and the
/// host-local lock that is taken first. The timings must satisfy the rules checked by
/// <see cref="Validate"/>; unsafe combinations are refused, never adjusted.
/// </summary>
public sealed class PostgresClusterOptions
{
    /// <summary>
    /// The server: an Npgsql connection string (<c>Host=db1;Username=app;Password=...;Database=app</c>)
    /// or a URL (<c>postgres://app:secret@db1:5432/app?sslmode=require</c>). Connect directly or
    /// through a session-pooling proxy: transaction pooling (PgBouncer's default) breaks session locks.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Separates unrelated users of one database (environments, applications): the lock key and the
    /// row in <c>pidguard_lease</c> are per namespace and name. Default <c>pidguard</c>.
    /// </summary>
    public string Namespace { get; set; } = "pidguard";

    /// <summary>
    /// The bound on how long a dead, frozen or partitioned holder can keep the name from everybody
    /// else, measured from its last successful heartbeat. A successor never starts earlier than this
    /// after the previous holder's last heartbeat (server clock) unless that holder released cleanly.
    /// Default 15 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The holder fences itself (fires <see cref="PostgresClusterLease.Lost"/>) when no heartbeat
    /// succeeded for this long (monotonic clock, counted from when the last good heartbeat was sent).
    /// Must leave a margin of at least <see cref="RenewInterval"/> and 2 s before <see cref="LeaseDuration"/>:
    /// that margin is the time the application has to stop its work. Default 10 s.
    /// </summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the holder renews (heartbeat <c>UPDATE ... renewed_at = now()</c>). Default 2 s.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long one heartbeat may take before it counts as failed (client timeout; the server
    /// cancels it too). Default 2 s.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long opening a connection (TCP, TLS, authentication) may take before it fails with an
    /// error naming the server. Whole seconds, at least 1. Default 5 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The host name recorded for the holder and shown by status. Default <see cref="Environment.MachineName"/>.</summary>
    public string HostName { get; set; } = Environment.MachineName;

    /// <summary>
    /// Options of the host-local instance lock taken before the cluster lock (runtime directory,
    /// logger): one instance per host still holds. Null uses the defaults.
    /// </summary>
    public PidGuardOptions? LocalOptions { get; set; }

    /// <summary>
    /// Take the host-local instance lock before the cluster lock (default true). Set false only when
    /// the caller already holds it for this name in this process (PidGuard.Hosting, the pidguard
    /// supervisor): a second lock on the same file from the same process would fail.
    /// </summary>
    public bool AcquireHostLock { get; set; } = true;

    /// <summary>Receives acquisition, heartbeat and fencing events. Optional.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// Checks the settings: a connection string is present and parses, the namespace is valid, and the
    /// timings are safe. Throws <see cref="ArgumentException"/> naming the rule that is broken.
    /// </summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            throw new ArgumentException("PostgresClusterOptions.ConnectionString is empty: give an Npgsql connection string or a postgres:// URL.", nameof(ConnectionString));
        _ = ClusterConnectionString.Parse(ConnectionString);
        LeaseKey.ValidateNamespace(Namespace);
        if (string.IsNullOrWhiteSpace(HostName))
            throw new ArgumentException("PostgresClusterOptions.HostName is empty.", nameof(HostName));
        _ = LeaseTiming.From(this);
    }

    internal PostgresClusterOptions Clone() => (PostgresClusterOptions)MemberwiseClone();
}
