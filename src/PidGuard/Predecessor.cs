using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// What a process that just won the flock checks before it writes the daemon's files. The lock being
/// free does not always mean the name is: the previous daemon may still run without holding it (its
/// supervisor was killed and the program had closed the descriptor it inherited, or the lock file was
/// removed or replaced while it ran), and the files at the paths may not be PidGuard's at all (a
/// runtime directory shared with other programs).
/// </summary>
internal static class Predecessor
{
    /// <summary>Why the new holder must not take the name: a live predecessor (a conflict) or another program's file (an error).</summary>
    public readonly record struct Refusal(int? OwnerPid, string Detail, bool IsConflict);

    /// <param name="p">The platform.</param>
    /// <param name="paths">The daemon's files.</param>
    /// <param name="lockFileExisted">False when the lock file did not exist before this acquire: its pid file, if any, is not PidGuard's.</param>
    public static Refusal? Check(IPlatform p, DaemonPaths paths, bool lockFileExisted)
    {
        var state = StateFile.Claim(paths, p);
        if (state.Kind == StateFileKind.Foreign)
            return new(null, $"{state.Problem}; PidGuard does not overwrite it (move it away, or use another daemon name or runtime directory)", IsConflict: false);
        if (LivePid(state.Record, p) is { } live)
        {
            return new(live, $"PID {live}, recorded in '{paths.StateFile}', still runs but no longer holds the lock "
                + "(its supervisor was killed after the program closed its lock descriptor, or the lock file was removed while it ran); "
                + $"it must end before '{paths.Name}' can start again", IsConflict: true);
        }
        if (OrphanedSession.Find(state.Record, p) is [var first, ..] leftovers)
        {
            return new(first, $"its main process (PID {state.Record!.Pid}) is gone, but processes of its session still run: PID {string.Join(", ", leftovers)} "
                + $"('pidguard stop {paths.Name}' ends them)", IsConflict: true);
        }
        var pidFile = PidFile.Read(paths.PidFile, p);
        if (pidFile.Kind is PidFileKind.NotRegularFile or PidFileKind.Unreadable)
            return new(null, $"{pidFile.Reason}; PidGuard does not replace it", IsConflict: false);
        if (!lockFileExisted && !state.IsPidGuards && pidFile.Kind == PidFileKind.Valid && ProcessIdentity.IsAlive(pidFile.Pid!.Value, p))
        {
            return new(pidFile.Pid, $"the pid file '{paths.PidFile}' was not written by PidGuard (there was no lock file) and names PID {pidFile.Pid}, "
                + "which is alive; PidGuard does not take over another program's pid file (remove it if that process is not the daemon)", IsConflict: true);
        }
        return null;
    }

    /// <summary>
    /// The live process the record proves (start-time token and boot id) to be the daemon's main program,
    /// or its supervisor while it has not given up; null when none is, or when it is this process.
    /// </summary>
    public static int? LivePid(DaemonStateRecord? record, IPlatform p)
    {
        if (record is null || record.Phase is SupervisorPhase.Exited or SupervisorPhase.Failed)
            return null;
        int self = p.CurrentProcessId;
        bool hasProgram = record.Pid != record.Supervisor?.Pid;
        if (hasProgram && record.Pid != self && record.Pid > 1 && ProcessIdentity.Mismatch(record.Pid, record, p) is null)
            return record.Pid;
        if (record.Supervisor is { } s && s.Pid != self && s.Pid > 1 && ProcessIdentity.SupervisorMismatch(record, p) is null)
            return s.Pid;
        return null;
    }
}
