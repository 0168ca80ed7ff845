namespace PidGuard;

/// <summary>
/// Whether PidGuard would signal a daemon, decided from its status alone: the lock is held, the
/// PID is greater than 1, it is not this process, and its kernel start-time token matches the
/// state file. Anything else is refused with the reason.
/// </summary>
/// <param name="Allowed">True when the PID is proven to be the daemon.</param>
/// <param name="Pid">The PID that would be signalled, when it may be.</param>
/// <param name="Reason">Why signalling is refused.</param>
public readonly record struct SignalDecision(bool Allowed, int? Pid, string? Reason)
{
    /// <summary>Decides from a status probe's result.</summary>
    public static SignalDecision For(DaemonStatus status) => For(status, Environment.ProcessId);

    internal static SignalDecision For(DaemonStatus status, int self)
    {
        if (status.State != DaemonState.Running)
            return Refuse($"'{status.Name}' is not running ({status.State})");
        if (status.IsLegacy)
            return Refuse($"'{status.Name}' has a pid file but no lock file, so PID {status.Pid} cannot be proven to be the daemon; PidGuard refuses to signal it");
        if (status.Pid is not { } pid)
            return Refuse($"{status.Reason}; there is no PID to signal");
        if (pid <= 1)
            return Refuse($"PID {pid} is never signalled");
        if (pid == self)
            return Refuse($"PID {pid} is this process");
        if (!status.IsIdentityVerified)
            return Refuse(status.Reason ?? $"PID {pid} is not proven to be the daemon");
        return new SignalDecision(true, pid, null);
    }

    private static SignalDecision Refuse(string reason) => new(false, null, reason);
}
