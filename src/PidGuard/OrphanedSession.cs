using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// Processes left in the session or process group that the daemon's dead main process led, when its
/// supervisor is gone too (SIGKILLed) and so could not end them. They are the daemon's (systemd's
/// control group, here the session) even if they closed the lock: the name stays taken and
/// <c>stop</c> ends them. A session or group id is the PID of its leader, and Linux does not give that
/// PID to a new process while any process still uses it as its session or group: while the leader is
/// absent, every member is the dead main process's.
/// </summary>
internal static class OrphanedSession
{
    public static List<int> Find(DaemonStateRecord? record, IPlatform p)
    {
        if (!Applies(record, p))
            return [];
        int leader = record!.Pid, self = p.CurrentProcessId;
        var members = new HashSet<int>(p.SessionMembers(leader));
        members.UnionWith(p.ProcessGroupMembers(leader));
        members.RemoveWhere(pid => pid <= 1 || pid == self);
        if (members.Count == 0 || p.GetStartToken(leader) is not null)
            return []; // the leader is back (alive, or a zombie not yet reaped is not "back"): nothing to conclude
        var list = members.ToList();
        list.Sort();
        return list;
    }

    /// <summary>Signals <paramref name="pid"/> only if, once pinned, it is still a member and the leader still absent.</summary>
    public static bool Signal(DaemonStateRecord record, int pid, int signal, IPlatform p)
    {
        if (pid <= 1 || pid == p.CurrentProcessId)
            return false;
        using var handle = p.OpenProcess(pid);
        if (handle is null || p.GetProcessStatus(pid) is not { IsZombie: false } st)
            return false;
        if (st.Session != record.Pid && st.ProcessGroup != record.Pid)
            return false;
        if (p.GetStartToken(record.Pid) is not null)
            return false;
        return p.SendSignal(handle, signal) == SignalResult.Delivered;
    }

    /// <summary>A program that ran (not a supervisor between runs), whose supervisor, if any, is gone.</summary>
    private static bool Applies(DaemonStateRecord? record, IPlatform p) =>
        record is { Pid: > 1 } r && r.Pid != r.Supervisor?.Pid
        && (r.Supervisor is null || ProcessIdentity.SupervisorMismatch(r, p) is not null);
}
