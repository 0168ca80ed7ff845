namespace PidGuard;

/// <summary>How a stop ended.</summary>
public enum StopResult
{
    /// <summary>Nothing was running; nothing was signalled or removed.</summary>
    NotRunning,

    /// <summary>A stale pid/state file was removed; nothing was signalled.</summary>
    StaleCleaned,

    /// <summary>The daemon released its lock after a signal other than KILL.</summary>
    Terminated,

    /// <summary>The daemon released its lock after SIGKILL.</summary>
    Killed,

    /// <summary>The daemon could not be stopped, or was not proven safe to signal; see <see cref="StopOutcome.Reason"/>.</summary>
    Failed,
}

/// <summary>The result of <see cref="DaemonStopper"/>.</summary>
public sealed record StopOutcome
{
    /// <summary>How it ended.</summary>
    public required StopResult Result { get; init; }

    /// <summary>The daemon name.</summary>
    public required string Name { get; init; }

    /// <summary>The daemon's PID, when known.</summary>
    public int? Pid { get; init; }

    /// <summary>Time from the call to the outcome.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The last signal sent (TERM, KILL ...), if any.</summary>
    public string? LastSignal { get; init; }

    /// <summary>Why it failed, or what was cleaned.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// Something that went wrong after the daemon was stopped (its leftover pid file could not be
    /// removed, say). It does not change <see cref="Result"/>: the outcome is about the process.
    /// </summary>
    public string? Warning { get; init; }

    /// <summary>True when the daemon is no longer running (every result but <see cref="StopResult.Failed"/>).</summary>
    public bool Succeeded => Result != StopResult.Failed;
}
