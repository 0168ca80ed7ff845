namespace PidGuard;

/// <summary>What a stop or a signal is sent to.</summary>
public enum StopTarget
{
    /// <summary>The daemon process (and, for KILL, its recorded supervised child).</summary>
    Process,

    /// <summary>
    /// The daemon's whole process group (<c>kill(-pgid)</c>), when the daemon leads its group
    /// (as a daemon started by <c>pidguard start</c> does); otherwise the process alone.
    /// </summary>
    ProcessGroup,
}
