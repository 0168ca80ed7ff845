using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// What systemd's KillMode=control-group does when a service's main process exits, for PidGuard:
/// the rest of the daemon is its program's process group, its program's session (the program leads
/// one: a child that left the group with setpgid and closed the lock is still in it) and every
/// process that inherited the lock. They are sent TERM, given a grace period, then KILL. Each is
/// proven before it is signalled: group and session members through the unreaped leader (its group
/// and session ids cannot be reused), pinned and re-checked for session membership; lock holders by the
/// kernel's own record of the lock in /proc/PID/fdinfo, checked after the process was pinned.
/// </summary>
internal static class LeftoverProcesses
{
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    /// <summary>Ends the leftovers of <paramref name="main"/> (exited, not yet reaped); returns how many there were.</summary>
    /// <remarks><paramref name="handingOff"/>: the process that handed the lock to this one, which shares it until it sees the adoption: never a leftover.</remarks>
    public static async Task<int> EndAsync(IPlatform p, DaemonProcess main, FileStatus lockFile, TimeSpan grace, CancellationToken ct = default,
        ProcessHandle? handingOff = null)
    {
        var found = Find(p, main, lockFile, handingOff);
        if (found.Count == 0)
            return 0;
        Signal(p, main, lockFile, found, p.Signals.Term);
        if (await WaitGoneAsync(p, main, lockFile, handingOff, grace, ct).ConfigureAwait(false))
            return found.Count;
        Signal(p, main, lockFile, Find(p, main, lockFile, handingOff), p.Signals.Kill);
        await WaitGoneAsync(p, main, lockFile, handingOff, KillWait, ct).ConfigureAwait(false);
        return found.Count;
    }

    /// <summary>The other processes holding the lock (not this one, not the main process).</summary>
    public static List<int> OtherHolders(IPlatform p, FileStatus lockFile, int main) =>
        p.FindLockHolders(lockFile).Where(pid => pid != p.CurrentProcessId && pid != main).ToList();

    private static HashSet<int> Find(IPlatform p, DaemonProcess main, FileStatus lockFile, ProcessHandle? handingOff)
    {
        var all = new HashSet<int>(main.GroupMembers());
        all.UnionWith(main.SessionMembers());
        all.UnionWith(OtherHolders(p, lockFile, main.Id));
        all.Remove(main.Id);
        all.Remove(p.CurrentProcessId);
        // Race: it exits and its PID is reused during the scan: it is left out only if still alive after the scan.
        if (handingOff is not null && all.Contains(handingOff.Pid) && !p.WaitForExit(handingOff, 0))
            all.Remove(handingOff.Pid);
        return all;
    }

    private static void Signal(IPlatform p, DaemonProcess main, FileStatus lockFile, IEnumerable<int> pids, int signal)
    {
        var grouped = main.GroupMembers().ToHashSet();
        if (grouped.Count > 0)
            main.SignalProcessGroup(signal);
        var session = main.SessionMembers().ToHashSet();
        foreach (int pid in pids)
        {
            if (grouped.Contains(pid))
                continue;
            if (!(session.Contains(pid) && main.SignalSessionMember(pid, signal)))
                SignalHolder(p, pid, lockFile, signal);
        }
    }

    /// <summary>
    /// Signals <paramref name="pid"/> only if, once pinned, it is proven to hold the lock.
    /// Race: the process exits and its PID is reused after the scan: the pidfd is opened first and the
    /// proof repeated on it, so the signal reaches the process that holds the lock or none.
    /// </summary>
    public static bool SignalHolder(IPlatform p, int pid, FileStatus lockFile, int signal)
    {
        if (pid <= 1 || pid == p.CurrentProcessId)
            return false;
        using var handle = p.OpenProcess(pid);
        return handle is not null && p.HoldsLock(pid, lockFile) && p.SendSignal(handle, signal) == SignalResult.Delivered;
    }

    private static async Task<bool> WaitGoneAsync(IPlatform p, DaemonProcess main, FileStatus lockFile, ProcessHandle? handingOff, TimeSpan limit, CancellationToken ct) =>
        await Backoff.WaitUntilAsync(() => Find(p, main, lockFile, handingOff).Count == 0, (int)limit.TotalMilliseconds, ct, maxDelayMs: 200).ConfigureAwait(false);
}
