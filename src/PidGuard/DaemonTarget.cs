using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// The processes of a daemon that may be signalled on Unix, each pinned (pidfd on Linux) and proven
/// after pinning: the main process and the supervisor by their start-time tokens, leftover holders of
/// the lock by the kernel's record of the lock. Nothing that is not proven is ever signalled.
/// </summary>
internal sealed class DaemonTarget : IDaemonTarget
{
    private readonly IPlatform _platform;
    private readonly DaemonStateRecord? _record;
    private readonly FileStatus? _lockFile;
    private readonly DaemonPaths _paths;

    private DaemonTarget(IPlatform p, DaemonPaths paths, ProcessHandle? main, ProcessHandle? supervisor, bool holdersOnly, string? refusal, DaemonStateRecord? record, FileStatus? lockFile)
    {
        _platform = p;
        _paths = paths;
        Main = main;
        Supervisor = supervisor;
        HoldersOnly = holdersOnly;
        Refusal = refusal;
        _record = record;
        _lockFile = lockFile;
    }

    /// <summary>The daemon's main process, proven; null when it is gone or not proven.</summary>
    public ProcessHandle? Main { get; }

    /// <summary>The supervisor, proven; null when there is none.</summary>
    public ProcessHandle? Supervisor { get; }

    /// <summary>Only leftover processes hold the lock: they are found and proven at each signal.</summary>
    public bool HoldersOnly { get; }

    /// <summary>Why nothing of the daemon may be signalled.</summary>
    public string? Refusal { get; }

    /// <summary>The process whose exit a stop waits for first: the supervisor (it ends the program), else the main process.</summary>
    public ProcessHandle? Primary => Supervisor ?? Main;

    /// <summary>True when there is something to signal.</summary>
    public bool IsEmpty => Main is null && Supervisor is null && !HoldersOnly;

    public static DaemonTarget Pin(IPlatform p, DaemonStatus status)
    {
        var lockFile = p.LStat(status.Paths.LockFile);
        // The daemon is every process that holds its lock: with no state file to prove a main process
        // (none, garbled, or naming someone else), the processes the kernel shows holding it are it.
        bool holdersOnly = status.State == DaemonState.Lingering
            || status.State == DaemonState.Running && !status.IsIdentityVerified && status.Holders.Count > 0;
        if (holdersOnly)
        {
            bool any = lockFile is not null || OrphanedSession.Find(status.Record, p).Count > 0;
            return new DaemonTarget(p, status.Paths, null, null, holdersOnly: any, any ? null : "the lock file vanished", status.Record, lockFile);
        }
        ProcessHandle? main = null, supervisor = null;
        var decision = SignalDecision.For(status, p.CurrentProcessId);
        var recordedLock = DaemonIdentity.LockOf(status.Record, status.Paths, p);
        if (decision.Allowed)
            main = PinProven(p, decision.Pid!.Value, pid => DaemonIdentity.MainProblem(pid, status.Record, recordedLock, p));
        if (status.Supervisor is { } s && s > 1 && s != p.CurrentProcessId)
            supervisor = PinProven(p, s, _ => DaemonIdentity.SupervisorProblem(status.Record, recordedLock, p));
        string? refusal = main is null && supervisor is null && !decision.Allowed && status.State != DaemonState.Restarting ? decision.Reason : null;
        return new DaemonTarget(p, status.Paths, main, supervisor, holdersOnly: false, refusal, status.Record, lockFile);
    }

    // Race: the process exits and its PID is reused between the probe and the signal. Opening the pidfd
    // first and proving the identity after means the handle reaches exactly the proven process.
    private static ProcessHandle? PinProven(IPlatform p, int pid, Func<int, string?> mismatch)
    {
        var handle = p.OpenProcess(pid);
        if (handle is null)
            return null;
        if (mismatch(pid) is null)
            return handle;
        handle.Dispose();
        return null;
    }

    /// <summary>
    /// Sends <paramref name="signal"/>. A supervisor gets it (it passes it on and will not restart the
    /// program); without one the main process does (its group with <see cref="StopTarget.ProcessGroup"/>).
    /// KILL, the last resort, goes to everything of the daemon: the supervisor, the main process's
    /// group (or the process alone when it leads none) and every other process holding the lock.
    /// </summary>
    public SignalResult Send(int signal, StopTarget target)
    {
        var result = SendOnce(signal, target);
        var table = _platform.Signals;
        // Like systemd: a stopped (SIGSTOP'd, traced) process cannot act on TERM until it runs again.
        if (result == SignalResult.Delivered && signal != table.Kill && signal != table.Cont && !table.Stops(signal))
            SendToAll(table.Cont);
        return result;
    }

    /// <summary>The supervisor, the main process's group (or the process alone) and every other holder of the lock.</summary>
    private SignalResult SendToAll(int signal)
    {
        var results = new List<SignalResult>();
        if (Supervisor is not null)
            results.Add(_platform.SendSignal(Supervisor, signal));
        if (Main is not null)
            results.Add(SendToMain(signal, group: true));
        results.AddRange(SignalHolders(signal));
        return Summarize(results);
    }

    private SignalResult SendOnce(int signal, StopTarget target)
    {
        var p = _platform;
        if (signal == p.Signals.Kill)
            return SendToAll(signal);
        if (Supervisor is not null)
        {
            var result = p.SendSignal(Supervisor, signal);
            if (Main is not null && target == StopTarget.ProcessGroup)
                SendToMain(signal, group: true);
            return result;
        }
        if (Main is not null)
            return SendToMain(signal, target == StopTarget.ProcessGroup);
        return Summarize(SignalHolders(signal));
    }

    /// <summary>
    /// The main process's whole group is signalled only while the main process leads it and is proven
    /// alive (not reaped, so the group id cannot have been reused); otherwise the process alone.
    /// Race: the leader is reaped between the check and kill(-pgid). The id can then be reused only once
    /// every member of the group is gone and the PID space has wrapped around to it, all within that
    /// instant; when the daemon's supervisor is the leader's parent it closes even that (it signals the
    /// group before it reaps).
    /// </summary>
    private SignalResult SendToMain(int signal, bool group)
    {
        var p = _platform;
        var main = Main!;
        if (group && p.GetProcessGroup(main.Pid) == main.Pid && DaemonIdentity.MainProblem(main.Pid, _record, _lockFile, p) is null)
            return p.KillGroup(main.Pid, signal);
        return p.SendSignal(main, signal);
    }

    /// <summary>Every process holding the lock, and what is left of the session of a main process that is gone (<see cref="OrphanedSession"/>).</summary>
    private List<SignalResult> SignalHolders(int signal)
    {
        var results = new List<SignalResult>();
        // Race: the instance pinned ended and a new one (a concurrent restart or start) took the lock: its
        // holders are not this stop's to signal.
        if (_lockFile is { } lockFile && !Superseded)
        {
            foreach (int pid in LeftoverProcesses.OtherHolders(_platform, lockFile, main: 0))
                results.Add(LeftoverProcesses.SignalHolder(_platform, pid, lockFile, signal) ? SignalResult.Delivered : SignalResult.NoSuchProcess);
        }
        foreach (int pid in OrphanedSession.Find(_record, _platform))
            results.Add(OrphanedSession.Signal(_record!, pid, signal, _platform) ? SignalResult.Delivered : SignalResult.NoSuchProcess);
        return results;
    }

    /// <summary>
    /// True when the instance this target pinned is no longer the name's: its state record was removed
    /// (a stop or cleanup proved it gone) or replaced by another instance's (another supervisor, or
    /// another main process without one: a restart, or a new start, after this stop began). Whoever
    /// holds the lock then is not what this stop set out to stop, and is never signalled by it.
    /// Unknown (false) when no record was pinned.
    /// </summary>
    public bool Superseded
    {
        get
        {
            if (_record is not { } pinned)
                return false;
            var now = StateFile.ReadFor(_paths, _platform);
            return now is null || !SameInstance(pinned, now);
        }
    }

    private static bool SameInstance(DaemonStateRecord a, DaemonStateRecord b) => a.Supervisor is { } s
        ? b.Supervisor is { } t && s.Pid == t.Pid && s.StartToken == t.StartToken
        : b.Supervisor is null && a.Pid == b.Pid && a.StartToken == b.StartToken;

    /// <summary>True while something of the daemon that <see cref="SignalHolders"/> reaches is left.</summary>
    public bool HasLeftovers => OrphanedSession.Find(_record, _platform).Count > 0;

    private static SignalResult Summarize(List<SignalResult> results) =>
        results.Contains(SignalResult.Delivered) ? SignalResult.Delivered
        : results.Contains(SignalResult.PermissionDenied) ? SignalResult.PermissionDenied
        : results.Count == 0 ? SignalResult.NoSuchProcess : results[0];

    public void Dispose()
    {
        Main?.Dispose();
        Supervisor?.Dispose();
    }
}
