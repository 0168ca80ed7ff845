using Microsoft.Extensions.Logging;

namespace PidGuard;

/// <summary>Options shared by the instance lock, the status probe and the stopper.</summary>
public sealed class PidGuardOptions
{
    /// <summary>
    /// The runtime directory. When null it is resolved as documented in
    /// <see cref="PidGuard.RuntimeDirectory.Resolve(string?)"/> (PIDGUARD_RUNTIME_DIR, /run/pidguard, XDG_RUNTIME_DIR, ...).
    /// </summary>
    public string? RuntimeDirectory { get; set; }

    /// <summary>Receives warnings (stale files recovered, NFS) and debug traces. Optional.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// fsync the pid and state files before renaming them into place (default true), so a power
    /// loss never leaves a torn file. Turn off only on tmpfs, where fsync costs nothing anyway.
    /// </summary>
    public bool SyncWrites { get; set; } = true;

    /// <summary>
    /// How long a loser (or a probe) waits for a lock holder that has taken the lock but not yet
    /// written its pid file before reporting "already running" without a PID. Default 100 ms.
    /// </summary>
    public TimeSpan OwnerWaitWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The command line recorded in the state file; defaults to this process's.</summary>
    public IReadOnlyList<string>? CommandLine { get; set; }

    /// <summary>
    /// The heartbeat interval recorded in the state file, so that a status probe can tell a wedged
    /// daemon (no heartbeat for <see cref="DaemonStatus.UnresponsiveAfterIntervals"/> intervals).
    /// Null when the daemon does not beat.
    /// </summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>
    /// The holder supervises a program (as <c>pidguard run</c> and <c>start</c> do): it records itself
    /// as the supervisor in the state file and writes no pid file until it records the program it
    /// starts (<see cref="InstanceLock.RecordMainProcess"/>), so the pid file always names the program.
    /// </summary>
    public bool Supervising { get; set; }

    internal PidGuardOptions Clone() => (PidGuardOptions)MemberwiseClone();
}
