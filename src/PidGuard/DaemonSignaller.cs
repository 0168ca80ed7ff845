using PidGuard.Platform;

namespace PidGuard;

/// <summary>The result of <see cref="DaemonSignaller.Send"/>.</summary>
/// <param name="Sent">True when the signal was delivered.</param>
/// <param name="Pid">The PID signalled (or found).</param>
/// <param name="Reason">Why nothing was sent.</param>
/// <param name="State">The daemon's state when the signal was considered.</param>
public readonly record struct SignalOutcome(bool Sent, int? Pid, string? Reason, DaemonState State);

/// <summary>Sends one signal (HUP to reload, USR1 ...) to a daemon proven by its lock and identity.</summary>
public static class DaemonSignaller
{
    /// <summary>Parses a signal name (<c>HUP</c>, <c>SIGHUP</c>) or number for this platform.</summary>
    public static bool TryParseSignal(string text, out int signal) => Platforms.Current.Signals.TryParse(text, out signal);

    /// <summary>Sends <paramref name="signal"/> to the daemon of <paramref name="paths"/> if it is proven safe.</summary>
    public static SignalOutcome Send(DaemonPaths paths, int signal, StopTarget target = StopTarget.Process, PidGuardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var p = Platforms.Current;
        var status = DaemonProbe.GetStatus(paths, options, p);
        if (status.State != DaemonState.Running)
            return new SignalOutcome(false, status.Pid, status.Reason ?? $"'{paths.Name}' is not running", status.State);
        using var daemon = DaemonTarget.Pin(p, status);
        if (daemon.Refusal is { } refusal)
            return new SignalOutcome(false, status.Pid, refusal, status.State);
        if (daemon.Process is null)
            return new SignalOutcome(false, status.Pid, $"PID {status.Pid} exited or changed identity", status.State);
        var result = daemon.Send(p, signal, target);
        return result == SignalResult.Delivered
            ? new SignalOutcome(true, daemon.Process.Pid, null, status.State)
            : new SignalOutcome(false, daemon.Process.Pid, $"signal not delivered: {result}", status.State);
    }
}
