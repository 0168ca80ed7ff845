using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// A daemon proven safe to signal, pinned (pidfd) after its identity was re-checked, together with
/// its recorded supervised child when that is proven too.
/// </summary>
internal sealed class DaemonTarget : IDisposable
{
    private DaemonTarget(ProcessHandle? process, ProcessHandle? child, string? refusal)
    {
        Process = process;
        Child = child;
        Refusal = refusal;
    }

    /// <summary>The daemon; null when it exited or changed identity after the probe.</summary>
    public ProcessHandle? Process { get; }

    /// <summary>The supervised child recorded in the state file, when alive and proven.</summary>
    public ProcessHandle? Child { get; }

    /// <summary>Why the daemon may not be signalled at all.</summary>
    public string? Refusal { get; }

    public static DaemonTarget Pin(IPlatform p, DaemonStatus status)
    {
        var decision = SignalDecision.For(status, p.CurrentProcessId);
        if (!decision.MaySignal)
            return new DaemonTarget(null, null, decision.Reason);
        var process = PinProven(p, decision.Pid!.Value, status.Record);
        ProcessHandle? child = null;
        if (process is not null && status.Record is { ChildPid: { } c } && c != process.Pid && c > 1 && c != p.CurrentProcessId)
            child = PinProven(p, c, status.Record);
        return new DaemonTarget(process, child, null);
    }

    // Opening the pidfd first and proving the identity after means the handle reaches exactly the proven process.
    private static ProcessHandle? PinProven(IPlatform p, int pid, DaemonStateRecord? record)
    {
        var handle = p.OpenProcess(pid);
        if (handle is null)
            return null;
        if (ProcessIdentity.MismatchOfDaemonOrChild(pid, record, p) is null)
            return handle;
        handle.Dispose();
        return null;
    }

    /// <summary>
    /// Sends <paramref name="signal"/>: to the group when asked and the daemon leads its group,
    /// otherwise to the daemon; KILL also goes to the proven child, which a dying supervisor
    /// cannot take down with it.
    /// </summary>
    public SignalResult Send(IPlatform p, int signal, StopTarget target)
    {
        var process = Process!;
        SignalResult result = target == StopTarget.ProcessGroup && p.GetProcessGroup(process.Pid) == process.Pid
            ? p.KillGroup(process.Pid, signal)
            : p.SendSignal(process, signal);
        if (signal == p.Signals.Kill && Child is not null)
            p.SendSignal(Child, signal);
        return result;
    }

    public void Dispose()
    {
        Process?.Dispose();
        Child?.Dispose();
    }
}
