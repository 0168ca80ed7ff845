namespace PidGuard.Hosting;

/// <summary>The guarded daemon as the app sees it.</summary>
public interface IPidGuardDaemon : IDaemonHeartbeat
{
    /// <summary>The daemon name.</summary>
    string Name { get; }

    /// <summary>The instance lock, once the host has started; null when a supervisor (<c>pidguard run</c> / <c>start</c>) holds it.</summary>
    InstanceLock? Lock { get; }

    /// <summary>True when running under <c>pidguard run</c> or <c>start</c>: the supervisor holds the lock and records heartbeats and readiness.</summary>
    bool IsSupervised { get; }

    /// <summary>Fires if the pid file is removed or replaced under the daemon (checked with every heartbeat).</summary>
    CancellationToken PidFileLost { get; }

    /// <summary>
    /// Raised on SIGHUP, after the configuration was reloaded. A SIGHUP that arrives while the
    /// host is still starting is raised once all hosted services have started.
    /// </summary>
    event EventHandler? Reloading;

    /// <summary>
    /// Raised when a wider scope (<see cref="IDaemonScope"/>, a cluster lease) is lost, before the host
    /// is stopped or the process exits (<see cref="PidGuardHostOptions.ScopeLostBehavior"/>). Work that
    /// writes must stop here: another instance may be given the scope after <see cref="IDaemonScope.StopWithin"/>.
    /// </summary>
    event EventHandler<ScopeLostEventArgs>? ScopeLost;
}
