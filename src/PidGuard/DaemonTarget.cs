using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// A daemon proven safe to signal, pinned (pidfd) after its identity was re-checked, together with
/// its recorded supervised child when that is proven too.
/// </summary>
internal sealed class DaemonTarget : IDisposable
{
    private DaemonTarget(ProcessHandle? process, ProcessHandle? child, string? refusal, int? group = null)
    {
        Process = process;
        Child = child;
        Refusal = refusal;
        ProcessGroup = group;
    }

    /// <summary>
    /// The daemon's own process group, when it has one: the daemon leads it (a session leader
    /// started by <c>pidguard start</c>), or, for an orphaned supervised child, the group of the
    /// dead supervisor that the proven child still belongs to (so the id cannot have been reused).
    /// </summary>
    public int? ProcessGroup { get; }

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
        return new DaemonTarget(process, child, null, process is null ? null : GroupOf(p, process.Pid, status.Record));
    }

    private static int? GroupOf(IPlatform p, int pid, DaemonStateRecord? record)
    {
        int? pgid = p.GetProcessGroup(pid);
        if (pgid is not > 1)
            return null;
        if (pgid == pid)
            return pgid;
        bool orphanedChild = record is { ChildPid: { } child } && child == pid && pgid == record.Pid;
        return orphanedChild ? pgid : null;
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
    /// Sends <paramref name="signal"/> to the daemon, or to its whole group when asked. KILL, the
    /// last resort, always goes to the group when the daemon has one (descendants that inherited
    /// the lock descriptor would otherwise keep it held) and to the proven child.
    /// </summary>
    public SignalResult Send(IPlatform p, int signal, StopTarget target)
    {
        var process = Process!;
        bool kill = signal == p.Signals.Kill;
        SignalResult result = ProcessGroup is { } group && (kill || target == StopTarget.ProcessGroup)
            ? p.KillGroup(group, signal)
            : p.SendSignal(process, signal);
        if (kill && Child is not null)
            p.SendSignal(Child, signal);
        return result;
    }

    public void Dispose()
    {
        Process?.Dispose();
        Child?.Dispose();
    }
}
