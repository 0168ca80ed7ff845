namespace PidGuard.Cluster.Postgres;

/// <summary>
/// The host-local instance lock, taken before the cluster lock so that one instance per host still
/// holds. The only place that calls the core's lock API.
/// </summary>
internal sealed class HostLock : IDisposable
{
    private readonly InstanceLock? _lock;

    private HostLock(InstanceLock? held) => _lock = held;

    /// <summary>The kernel start-time token and boot id of this process, as the core recorded them.</summary>
    public string? StartToken
    {
        get
        {
            if (_lock is null)
                return null;
            var state = _lock.State;
            return state.StartToken is null ? null : state.BootId is null ? state.StartToken : $"{state.StartToken}@{state.BootId}";
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> (zero: one try); a holder on this host is reported like a cluster holder.</summary>
    public static async Task<HostLock> AcquireAsync(string name, string host, TimeSpan timeout, PidGuardOptions? options, bool acquire, CancellationToken ct)
    {
        if (!acquire)
            return new HostLock(null); // the caller holds it (PidGuard.Hosting, the pidguard supervisor)
        try
        {
            return new HostLock(await InstanceLock.AcquireAsync(name, options, timeout, ct).ConfigureAwait(false));
        }
        catch (AlreadyRunningException e)
        {
            throw new ClusterAlreadyRunningException(name, host, e.OwnerPid, null, e);
        }
    }

    public void Dispose() => _lock?.Dispose();
}
