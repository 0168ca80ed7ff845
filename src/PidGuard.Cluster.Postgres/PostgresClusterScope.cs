using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PidGuard.Hosting;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// The cluster lease as a scope of a guarded host: taken after the host's instance lock (so never the
/// host lock again), released before it. Under a <c>pidguard</c> supervisor that holds the lease for
/// this process (<see cref="ClusterEnvironment.EpochVariable"/>), nothing is taken: the supervisor
/// ends the program if the lease is lost.
/// </summary>
internal sealed class PostgresClusterScope(IOptions<PostgresClusterOptions> options, ILoggerFactory? loggers = null) : IDaemonScope, IClusterLease
{
    private readonly CancellationTokenSource _never = new();
    private PostgresClusterLease? _lease;
    private long? _supervisorEpoch;
    private string _name = "";
    private string _server = "";

    public string Description => _supervisorEpoch is { } e
        ? $"cluster lease '{_name}' (held by the pidguard supervisor, epoch {e})"
        : $"cluster lease '{_name}' on {_server}";

    public async Task AcquireAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _name = name;
        if (ClusterEnvironment.SupervisorEpoch is { } epoch)
        {
            _supervisorEpoch = epoch;
            return;
        }
        var o = options.Value.Clone();
        o.ConnectionString ??= Environment.GetEnvironmentVariable(ClusterEnvironment.ConnectionVariable);
        if (string.IsNullOrWhiteSpace(o.ConnectionString))
            throw new PidGuardException($"No cluster connection for '{name}': set PidGuard:Cluster:ConnectionString, pass it to AddPostgresCluster, or set {ClusterEnvironment.ConnectionVariable}.");
        o.AcquireHostLock = false; // the guarded host holds it already
        o.Logger ??= loggers?.CreateLogger("PidGuard.Cluster");
        var clusterLock = CreateLock(name, o);
        _server = clusterLock.ServerDescription;
        _lease = await clusterLock.AcquireAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    private static PostgresClusterLock CreateLock(string name, PostgresClusterOptions o)
    {
        try
        {
            return new PostgresClusterLock(name, o);
        }
        catch (ArgumentException e)
        {
            throw new PidGuardException($"The cluster settings of '{name}' are unusable: {e.Message}", null, e);
        }
    }

    private PostgresClusterLease Lease => _lease ?? throw new InvalidOperationException($"The cluster lease of '{_name}' is not held by this process.");

    public string Name => _name;

    public long Token => _supervisorEpoch ?? Lease.Token;

    public CancellationToken Lost => _lease?.Lost ?? _never.Token;

    public string? LostReason => _lease?.LostReason;

    public CancellationToken StopRequested => _lease?.StopRequested ?? _never.Token;

    public bool IsHeld => _supervisorEpoch is not null || _lease is { IsHeld: true };

    public TimeSpan StopWithin => _lease?.StopWithin ?? TimeSpan.Zero;

    public void ThrowIfLost()
    {
        if (_supervisorEpoch is null)
            Lease.ThrowIfLost();
    }

    public async ValueTask ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _lease, null) is { } lease)
            await lease.DisposeAsync().ConfigureAwait(false);
    }
}
