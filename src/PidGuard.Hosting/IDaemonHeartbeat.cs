namespace PidGuard.Hosting;

/// <summary>Lets the app report its health so that <c>pidguard status</c> can tell "running" from "running but wedged".</summary>
public interface IDaemonHeartbeat
{
    /// <summary>Records a heartbeat now (and the status line, if given).</summary>
    void Beat(string? status = null);

    /// <summary>Sets the free-form status line shown by <c>pidguard status</c>, without a heartbeat.</summary>
    void SetStatus(string status);
}

/// <summary>The guarded daemon as the app sees it.</summary>
public interface IPidGuardDaemon : IDaemonHeartbeat
{
    /// <summary>The daemon name.</summary>
    string Name { get; }

    /// <summary>The instance lock, once the host has started; null when a supervisor (<c>pidguard start</c>) holds it.</summary>
    InstanceLock? Lock { get; }

    /// <summary>True when running under <c>pidguard start</c>: the supervisor holds the lock and records heartbeats and readiness.</summary>
    bool IsSupervised { get; }

    /// <summary>Fires if the pid file is removed or replaced under the daemon (checked with every heartbeat).</summary>
    CancellationToken PidFileLost { get; }

    /// <summary>
    /// Raised on SIGHUP, after the configuration was reloaded. A SIGHUP that arrives while the
    /// host is still starting is raised once all hosted services have started.
    /// </summary>
    event EventHandler? Reloading;
}
