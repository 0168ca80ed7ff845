using PidGuard.Platform;

namespace PidGuard;

/// <summary>What the pid and state files say about the lock holder, and which of its processes are proven alive.</summary>
internal readonly record struct OwnerInfo(PidFileContent PidFile, DaemonStateRecord? Record, string? IdentityProblem, bool MainAlive, bool SupervisorAlive)
{
    /// <summary>The pid file names a live process that the state file proves to be the daemon (its main process or supervisor).</summary>
    public bool IsProven => PidFile.Kind == PidFileKind.Valid && IdentityProblem is null;

    public int? Pid => PidFile.Pid;

    /// <summary>The PID a user can act on: the proven main process, else the live supervisor; null when neither is proven.</summary>
    public int? ActionablePid => MainAlive ? Record!.Pid : IsProven ? PidFile.Pid : SupervisorAlive ? Record!.Supervisor!.Pid : null;

    public static OwnerInfo Read(IPlatform p, DaemonPaths paths)
    {
        var pid = PidGuard.PidFile.Read(paths.PidFile, p);
        var record = StateFile.ReadFor(paths, p);
        var lockFile = DaemonIdentity.LockOf(record, paths, p);
        string? problem = pid.Kind == PidFileKind.Valid ? DaemonIdentity.MainOrSupervisorProblem(pid.Pid!.Value, record, lockFile, p) : pid.Reason;
        // A supervisor records itself as the main process while its program is not running: that is no program.
        bool mainAlive = record is not null && record.Pid != record.Supervisor?.Pid
            && (pid.Pid == record.Pid && problem is null || DaemonIdentity.MainProblem(record.Pid, record, lockFile, p) is null);
        bool supervisorAlive = record?.Supervisor is not null && DaemonIdentity.SupervisorProblem(record, lockFile, p) is null;
        return new OwnerInfo(pid, record, problem, mainAlive, supervisorAlive);
    }

    /// <summary>True when the files are complete: the pid file names the proven main process, or a supervisor runs no program (and so has no pid file).</summary>
    public bool IsSettled => MainAlive ? IsProven && PidFile.Pid == Record!.Pid : SupervisorAlive && !IsStarting;

    /// <summary>
    /// A supervisor whose program is about to be recorded (a <c>pidguard start</c> that holds the lock to hand it
    /// to its supervisor says so too): a loser or a probe waits its owner window for the program, to name it.
    /// </summary>
    public bool IsStarting => !MainAlive && SupervisorAlive && Record!.Phase == SupervisorPhase.Starting;

    /// <summary>
    /// Reads the owner of a held lock, retrying with backoff for up to <paramref name="window"/>
    /// while its files are not settled. Race: a new holder writes its state file, then its pid file,
    /// just after locking (and a supervisor does the same when its program starts).
    /// </summary>
    public static OwnerInfo ReadHeld(IPlatform p, DaemonPaths paths, TimeSpan window)
    {
        OwnerInfo info = default;
        Backoff.WaitUntil(() => (info = Read(p, paths)).IsSettled, (int)window.TotalMilliseconds);
        return info;
    }
}
