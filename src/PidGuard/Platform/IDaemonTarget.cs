namespace PidGuard.Platform;

/// <summary>
/// The processes of a daemon that a stop may reach, each pinned and proven (<see cref="DaemonTarget"/>
/// on Unix, <see cref="Windows.WindowsDaemonTarget"/> on Windows). Nothing that is not proven is ever signalled.
/// </summary>
internal interface IDaemonTarget : IDisposable
{
    /// <summary>The daemon's main process, proven; null when it is gone or not proven.</summary>
    ProcessHandle? Main { get; }

    /// <summary>The supervisor, proven; null when there is none.</summary>
    ProcessHandle? Supervisor { get; }

    /// <summary>Why nothing of the daemon may be signalled.</summary>
    string? Refusal { get; }

    /// <summary>The process whose exit a stop waits for first: the supervisor (it ends the program), else the main process.</summary>
    ProcessHandle? Primary { get; }

    /// <summary>True when there is nothing to signal.</summary>
    bool IsEmpty { get; }

    /// <summary>True while something of the daemon that a stop reaches is left besides the primary process.</summary>
    bool HasLeftovers { get; }

    /// <summary>
    /// True when the instance this target pinned is no longer the name's (its state record was removed or
    /// replaced by a newer instance's): whoever holds the lock then is not this stop's to signal or wait for.
    /// </summary>
    bool Superseded { get; }

    /// <summary>Sends one step of a stop schedule.</summary>
    SignalResult Send(int signal, StopTarget target);
}
