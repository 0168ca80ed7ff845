namespace PidGuard;

/// <summary>The state of a daemon name.</summary>
public enum DaemonState
{
    /// <summary>
    /// The lock is held and the daemon's main process runs (see <see cref="DaemonStatus.IsIdentityVerified"/>
    /// for whether its PID is proven), or, for a legacy pid file, its process is alive.
    /// </summary>
    Running,

    /// <summary>
    /// A live supervisor holds the lock but the program is not running: it exited and is about to be
    /// restarted (or is being started or stopped; see <see cref="DaemonStatus.Phase"/>).
    /// </summary>
    Restarting,

    /// <summary>
    /// The main process (and its supervisor) are gone, but leftover processes that inherited the lock
    /// still hold it (<see cref="DaemonStatus.Holders"/>), so the name stays taken until they end.
    /// </summary>
    Lingering,

    /// <summary>The lock is free but a pid file is left over from a process that died (or a supervisor that gave up).</summary>
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

    /// <summary>The main process's PID (the pid file's, when it holds a valid one).</summary>
    public int? Pid { get; init; }

    /// <summary>
    /// True when <see cref="Pid"/> is proven to be the daemon's main process: the lock is held and its
    /// kernel start-time token matches the state file. Only a verified PID is ever signalled.
    /// </summary>
    public bool IsIdentityVerified { get; init; }

    /// <summary>The live supervisor's PID (<c>pidguard run</c> / <c>start</c>), proven by its start-time token; null when there is none.</summary>
    public int? Supervisor { get; init; }

    /// <summary>
    /// The processes found holding the lock (Linux <c>/proc</c>) when its holder could not be proven
    /// from the files: leftovers of a daemon whose main process is gone. Empty otherwise.
    /// </summary>
    public IReadOnlyList<int> Holders { get; init; } = [];

    /// <summary>True for a pid file without a lock file (written by another tool): liveness only, no lock.</summary>
    public bool IsLegacy { get; init; }

    /// <summary>Why the state is Unknown, why the PID is unverified or absent, or what is stale.</summary>
    public string? Reason { get; init; }

    /// <summary>The state record, when readable.</summary>
    public DaemonStateRecord? Record { get; init; }

    /// <summary>For supervised programs, what the supervisor is doing (<see cref="SupervisorPhase"/>), when recorded.</summary>
    public string? Phase => Record?.Phase;

    /// <summary>How long the main process has run, when known.</summary>
    public TimeSpan? Uptime { get; init; }

    /// <summary>Time since the last heartbeat, for a daemon that beats.</summary>
    public TimeSpan? HeartbeatAge { get; init; }

    /// <summary>
    /// True when a running daemon promised a heartbeat interval and missed
    /// <see cref="UnresponsiveAfterIntervals"/> of them: running but wedged.
    /// </summary>
    public bool IsUnresponsive { get; init; }

    /// <summary>
    /// The LSB init-script status code: 0 running, 1 dead with a pid file, 2 dead with the lock held
    /// (restarting, or leftovers hold it), 3 not running, 4 unknown.
    /// </summary>
    public int LsbExitCode => State switch
    {
        DaemonState.Running => 0,
        DaemonState.Stale => 1,
        DaemonState.Restarting or DaemonState.Lingering => 2,
        DaemonState.NotRunning => 3,
        _ => 4,
    };
}
