using PidGuard.Platform;

namespace PidGuard;

/// <summary>The result of <see cref="DaemonSignaller.Send(string, int, StopTarget, PidGuardOptions?)"/>.</summary>
/// <param name="Succeeded">True when the signal was delivered.</param>
/// <param name="Pid">The PID signalled (or found).</param>
/// <param name="Reason">Why nothing was sent.</param>
/// <param name="State">The daemon's state when the signal was considered.</param>
public readonly record struct SignalOutcome(bool Succeeded, int? Pid, string? Reason, DaemonState State);

/// <summary>
/// Sends one signal (HUP to reload, USR1 ...) to a daemon's main process (the program, not its
/// supervisor), proven by its lock and identity.
/// </summary>
public static class DaemonSignaller
{
    /// <summary>Sends <paramref name="signal"/> (see <see cref="Signals"/>) to the main process of <paramref name="name"/> if it is proven.</summary>
    public static SignalOutcome Send(string name, int signal, StopTarget target = StopTarget.Process, PidGuardOptions? options = null) =>
        Send(DaemonPaths.Resolve(name, options), signal, target, options);

    internal static SignalOutcome Send(DaemonPaths paths, int signal, StopTarget target = StopTarget.Process, PidGuardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var p = Platforms.Current;
        var status = DaemonProbe.GetStatus(paths, options, p);
        if (status.State != DaemonState.Running)
            return new SignalOutcome(false, status.Pid, status.Reason ?? $"'{paths.Name}' is not running", status.State);
        var decision = SignalDecision.For(status, p.CurrentProcessId);
        if (!decision.Allowed)
            return new SignalOutcome(false, status.Pid, decision.Reason, status.State);
        using var main = p.OpenProcess(decision.Pid!.Value);
        if (main is null || DaemonIdentity.MainProblem(main.Pid, status.Record, DaemonIdentity.LockOf(status.Record, paths, p), p) is not null)
            return new SignalOutcome(false, status.Pid, $"PID {status.Pid} exited or changed identity", status.State);
        bool group = target == StopTarget.ProcessGroup && p.GetProcessGroup(main.Pid) == main.Pid;
        var result = group ? p.KillGroup(main.Pid, signal) : p.SendSignal(main, signal);
        return result == SignalResult.Delivered
            ? new SignalOutcome(true, main.Pid, null, status.State)
            : new SignalOutcome(false, main.Pid, $"signal not delivered: {result}", status.State);
    }
}
