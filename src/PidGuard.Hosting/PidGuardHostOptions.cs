namespace PidGuard.Hosting;

/// <summary>Options of a guarded worker service, bound from the <c>PidGuard</c> configuration section and code.</summary>
public sealed class PidGuardHostOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "PidGuard";

    /// <summary>The daemon name (<c>^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>The runtime directory; null resolves the default (PIDGUARD_RUNTIME_DIR, /run/pidguard, ...).</summary>
    public string? RuntimeDirectory { get; set; }

    /// <summary>How long to wait for another instance to release the lock before failing; zero fails at once.</summary>
    public TimeSpan AcquireTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>The heartbeat interval recorded in the state file (default 5 s); zero disables heartbeats.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// True (default): a timer beats every interval, so a starved thread pool shows as unresponsive.
    /// False: the app must call <see cref="IDaemonHeartbeat.Beat"/> itself, so a wedged work loop shows.
    /// </summary>
    public bool AutomaticHeartbeat { get; set; } = true;

    /// <summary>Send sd_notify READY=1 / STOPPING=1 to NOTIFY_SOCKET (unless the systemd lifetime already does).</summary>
    public bool NotifyReadiness { get; set; } = true;

    /// <summary>fsync pid and state files before renaming them into place.</summary>
    public bool SyncWrites { get; set; } = true;

    /// <summary>What to do when a wider scope (<see cref="IDaemonScope"/>, a cluster lease) is lost: stop the host (default, bounded by the scope's margin) or exit at once.</summary>
    public ScopeLostBehavior ScopeLostBehavior { get; set; } = ScopeLostBehavior.StopHost;

    /// <summary>Reload IConfiguration (so IOptionsMonitor observers fire) on SIGHUP; the Reloading event is raised either way.</summary>
    public bool ReloadConfigurationOnHangup { get; set; } = true;
}
