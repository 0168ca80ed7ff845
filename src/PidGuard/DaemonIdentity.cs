using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// Proves that a PID is the daemon's main process or its supervisor. The start-time token of the state
/// file is the first proof, but its resolution is a clock tick (10 ms): a PID reused within one tick
/// would match. Where the kernel shows who holds a lock (Linux), a process is proven only if it also
/// holds the daemon's lock — or, for a program that closed the descriptor, if its parent is the proven
/// supervisor that holds it.
/// </summary>
internal static class DaemonIdentity
{
    /// <summary>The daemon's lock file as recorded (it may have been removed from the directory since), else as found.</summary>
    public static FileStatus? LockOf(DaemonStateRecord? record, DaemonPaths paths, IPlatform p) =>
        record?.LockFile is { } recorded
            ? new FileStatus(recorded.Device, recorded.Inode, UnixConstants.SIfReg, 0, 0)
            : p.LStat(paths.LockFile);

    /// <summary>Null when <paramref name="pid"/> is proven to be the main process the record names; otherwise why not.</summary>
    public static string? MainProblem(int pid, DaemonStateRecord? record, FileStatus? lockFile, IPlatform p)
    {
        if (ProcessIdentity.Mismatch(pid, record, p) is { } mismatch)
            return mismatch;
        if (!p.CanSeeLockHolders || lockFile is not { } file || p.HoldsLock(pid, file))
            return null;
        // A program that closed its inherited descriptor is vouched for by the supervisor that started it.
        if (record!.Supervisor is { } supervisor && p.GetProcessStatus(pid)?.ParentPid == supervisor.Pid && SupervisorProblem(record, file, p) is null)
            return null;
        return $"PID {pid} has the recorded start time but does not hold the lock of '{record.Name}' (a PID reused within one clock tick would match too)";
    }

    /// <summary>Null when the recorded supervisor is proven alive; otherwise why not.</summary>
    public static string? SupervisorProblem(DaemonStateRecord? record, FileStatus? lockFile, IPlatform p)
    {
        if (ProcessIdentity.SupervisorMismatch(record, p) is { } mismatch)
            return mismatch;
        if (!p.CanSeeLockHolders || lockFile is not { } file || p.HoldsLock(record!.Supervisor!.Pid, file))
            return null;
        return $"the supervisor's PID {record.Supervisor.Pid} has its recorded start time but does not hold the lock of '{record.Name}'";
    }

    /// <summary>Null when <paramref name="pid"/> is proven to be the main process or the supervisor the record names.</summary>
    public static string? MainOrSupervisorProblem(int pid, DaemonStateRecord? record, FileStatus? lockFile, IPlatform p) =>
        record?.Supervisor is { } s && s.Pid == pid && pid != record.Pid
            ? SupervisorProblem(record, lockFile, p)
            : MainProblem(pid, record, lockFile, p);
}
