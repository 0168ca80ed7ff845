namespace PidGuard;

/// <summary>The state of a daemon name.</summary>
public enum DaemonState
{
    /// <summary>The lock is held (or, for a legacy pid file, its process is alive).</summary>
    Running,

    /// <summary>The lock is free but a pid file is left over from a process that died.</summary>
    Stale,

    /// <summary>No lock holder and no pid file.</summary>
    NotRunning,

    /// <summary>The state cannot be determined (unreadable or unsafe files); see <see cref="DaemonStatus.Reason"/>.</summary>
    Unknown,
}

/// <summary>What a status probe found for one daemon name.</summary>
public sealed record DaemonStatus
{
    /// <summary>A daemon that beats is unresponsive after this many missed heartbeat intervals.</summary>
    public const int UnresponsiveAfterIntervals = 3;

    /// <summary>The daemon name.</summary>
    public required string Name { get; init; }

    /// <summary>The daemon's files.</summary>
    public required DaemonPaths Paths { get; init; }

    /// <summary>The state.</summary>
    public required DaemonState State { get; init; }

    /// <summary>The PID from the pid file, when it holds a valid one.</summary>
    public int? Pid { get; init; }

    /// <summary>
    /// True when <see cref="Pid"/> is proven to be the lock holder: its kernel start-time token
    /// matches the state file. Only a verified PID is ever signalled.
    /// </summary>
    public bool IsIdentityVerified { get; init; }

    /// <summary>True for a pid file without a lock file (written by another tool): liveness only, no lock.</summary>
    public bool IsLegacy { get; init; }

    /// <summary>Why the state is Unknown, why the PID is unverified or absent, or what is stale.</summary>
    public string? Reason { get; init; }

    /// <summary>The state record, when readable.</summary>
    public DaemonStateRecord? Record { get; init; }

    /// <summary>How long the daemon has run, when known.</summary>
    public TimeSpan? Uptime { get; init; }

    /// <summary>Time since the last heartbeat, for a daemon that beats.</summary>
    public TimeSpan? HeartbeatAge { get; init; }

    /// <summary>
    /// True when a running daemon promised a heartbeat interval and missed
    /// <see cref="UnresponsiveAfterIntervals"/> of them: running but wedged.
    /// </summary>
    public bool IsUnresponsive { get; init; }

    /// <summary>The LSB init-script status code: 0 running, 1 dead with a pid file, 3 not running, 4 unknown.</summary>
    public int LsbExitCode => State switch
    {
        DaemonState.Running => 0,
        DaemonState.Stale => 1,
        DaemonState.NotRunning => 3,
        _ => 4,
    };
}
