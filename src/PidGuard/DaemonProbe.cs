using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// Reads the state of a daemon name without disturbing it: the lock is probed with
/// flock(LOCK_SH|LOCK_NB) and released at once, nothing is written or removed.
/// </summary>
public static class DaemonProbe
{
    /// <summary>The status of <paramref name="name"/>.</summary>
    public static DaemonStatus GetStatus(string name, PidGuardOptions? options = null) =>
        GetStatus(DaemonPaths.Resolve(name, options), options, Platforms.Current);

    internal static DaemonStatus GetStatus(DaemonPaths paths, PidGuardOptions? options = null) =>
        GetStatus(paths, options, Platforms.Current);

    internal static DaemonStatus GetStatus(DaemonPaths paths, PidGuardOptions? options, IPlatform p)
    {
        options ??= new PidGuardOptions();
        switch (PidGuard.RuntimeDirectory.Inspect(paths.Directory, p))
        {
            case (false, _):
                return Make(paths, DaemonState.NotRunning, reason: $"the runtime directory '{paths.Directory}' does not exist");
            case (true, { } problem):
                return Make(paths, DaemonState.Unknown, reason: problem);
        }
        bool? held;
        try
        {
            held = LockFile.IsHeld(p, paths.LockFile);
        }
        catch (PidGuardException e)
        {
            return Make(paths, DaemonState.Unknown, reason: e.Message);
        }
        return held switch
        {
            null => Legacy(paths, p),
            false => FreeSettled(paths, options, p),
            true => Held(paths, options, p),
        };
    }

    /// <summary>
    /// Race: a new holder took the lock after it was seen free and wrote its state file (then its pid file)
    /// before the files were read: they look like a dead daemon's. A Stale verdict stands only when the lock
    /// is still free afterwards and a second reading agrees; a lock taken meanwhile is probed as held.
    /// </summary>
    private static DaemonStatus FreeSettled(DaemonPaths paths, PidGuardOptions options, IPlatform p)
    {
        var verdict = Free(paths, p);
        for (int look = 0; verdict.State == DaemonState.Stale && look < 5; look++)
        {
            bool? held;
            try
            {
                held = LockFile.IsHeld(p, paths.LockFile);
            }
            catch (PidGuardException)
            {
                return verdict;
            }
            if (held == true)
                return Held(paths, options, p);
            if (held is null)
                return verdict; // the lock file is gone: nothing more to compare
            var again = Free(paths, p);
            if (again.State == verdict.State && again.Pid == verdict.Pid && again.Reason == verdict.Reason)
                return again;
            verdict = again;
        }
        return verdict;
    }

    private static DaemonStatus Free(DaemonPaths paths, IPlatform p)
    {
        if (Unlocked(paths, p, lockFileMissing: false) is { } unlocked)
            return unlocked;
        var pid = PidFile.Read(paths.PidFile, p);
        return pid.Kind switch
        {
            PidFileKind.Missing => StateFile.ReadFor(paths, p) is { } record
                ? Make(paths, DaemonState.Stale, pid: record.LastExit?.Pid, record: record, reason: $"'{paths.Name}' ended; its state file remains")
                : Make(paths, DaemonState.NotRunning),
            PidFileKind.Valid => Make(paths, DaemonState.Stale, pid: pid.Pid, record: StaleRecord(paths, pid.Pid!.Value, p),
                reason: $"PID {pid.Pid} no longer holds the lock of '{paths.Name}'; the pid file is stale"),
            PidFileKind.Invalid => Make(paths, DaemonState.Stale, reason: pid.Reason),
            _ => Make(paths, DaemonState.Unknown, reason: pid.Reason),
        };
    }

    /// <summary>The state a dead daemon left behind (its last exit, for one), when it names the same PID.</summary>
    private static DaemonStateRecord? StaleRecord(DaemonPaths paths, int pid, IPlatform p) =>
        StateFile.ReadFor(paths, p) is { } record && record.Pid == pid ? record : null;

    private static DaemonStatus Held(DaemonPaths paths, PidGuardOptions options, IPlatform p)
    {
        var owner = OwnerInfo.ReadHeld(p, paths, options.OwnerWaitWindow);
        var record = owner.Record;
        int? supervisor = owner.SupervisorAlive ? record!.Supervisor!.Pid : null;
        if (owner.MainAlive)
        {
            string? note = owner.PidFile.Kind switch
            {
                PidFileKind.Valid when owner.IsProven => null,
                PidFileKind.Missing => "its pid file is missing",
                _ => $"its pid file does not name it: {owner.IdentityProblem}",
            };
            if (record!.Supervisor is { } s && supervisor is null)
                note = Join(note, $"its supervisor (PID {s.Pid}) is gone; the program still holds the lock");
            return Make(paths, DaemonState.Running, record.Pid, verified: true, record: record, supervisor: supervisor, reason: note);
        }
        if (supervisor is not null)
        {
            return Make(paths, DaemonState.Restarting, record: record, supervisor: supervisor,
                reason: $"the supervisor (PID {supervisor}) holds the lock; the program is not running ({record!.Phase ?? "between runs"})");
        }
        var holders = Holders(p, paths);
        // Race: the owner's files were read while it was between releasing and re-taking the lock (a
        // daemon that cycles it): the kernel now shows the recorded main process holding it after all.
        if (record is not null && holders.Contains(record.Pid) && record.Pid != record.Supervisor?.Pid
            && DaemonIdentity.MainProblem(record.Pid, record, DaemonIdentity.LockOf(record, paths, p), p) is null)
        {
            return Make(paths, DaemonState.Running, record.Pid, verified: true, record: record,
                reason: owner.PidFile.Kind == PidFileKind.Missing ? "its pid file is missing" : null);
        }
        if (record is not null && holders.Count > 0)
        {
            return Make(paths, DaemonState.Lingering, record: record, holders: holders,
                reason: $"the main process (PID {record.Pid}) is gone but {Plural(holders.Count, "leftover process")} still hold{(holders.Count == 1 ? "s" : "")} the lock: PID {string.Join(", ", holders)}");
        }
        string reason = owner.PidFile.Kind switch
        {
            PidFileKind.Missing => $"the lock of '{paths.Name}' is held but there is no pid file (starting, or removed by hand)",
            PidFileKind.Valid => $"the lock is held but PID {owner.Pid} is not proven to hold it: {owner.IdentityProblem}",
            _ => $"the lock is held but {owner.PidFile.Reason}",
        };
        if (holders.Count > 0)
            reason += $"; held by PID {string.Join(", ", holders)}";
        return Make(paths, DaemonState.Running, owner.Pid, verified: false, reason: reason, record: record, holders: holders);
    }

    private static IReadOnlyList<int> Holders(IPlatform p, DaemonPaths paths)
    {
        if (p.LStat(paths.LockFile) is not { } lockFile)
            return [];
        var holders = p.FindLockHolders(lockFile).Where(pid => pid != p.CurrentProcessId).ToList();
        holders.Sort();
        return holders;
    }

    private static string Plural(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}es";

    private static string? Join(string? a, string b) => a is null ? b : $"{a}; {b}";

    /// <summary>
    /// The lock is free (or its file is gone) but the state file proves the daemon still runs: its
    /// supervisor was killed after the program closed its lock descriptor, or the lock file was removed
    /// or replaced under it. The name is not free. Its processes are proven, and so may be stopped, only
    /// if they hold the lock file recorded in the state file (or the platform cannot tell).
    /// </summary>
    private static DaemonStatus? Unlocked(DaemonPaths paths, IPlatform p, bool lockFileMissing)
    {
        var record = StateFile.ReadFor(paths, p);
        if (OrphanedSession.Find(record, p) is { Count: > 0 } leftovers)
        {
            return Make(paths, DaemonState.Lingering, record: record, holders: leftovers,
                reason: $"the main process (PID {record!.Pid}) and its supervisor are gone but {Plural(leftovers.Count, "process")} of its session still run{(leftovers.Count == 1 ? "s" : "")}: PID {string.Join(", ", leftovers)}");
        }
        if (Predecessor.LivePid(record, p) is not { } live)
            return null;
        var recordedLock = DaemonIdentity.LockOf(record, paths, p);
        string where = lockFileMissing ? $"its lock file '{paths.LockFile}' was removed" : $"the lock of '{paths.Name}' is free";
        if (live == record!.Pid)
        {
            if (DaemonIdentity.MainProblem(live, record, recordedLock, p) is { } problem)
                return Make(paths, DaemonState.Running, live, verified: false, record: record,
                    reason: $"{where}, but PID {live} still runs with the recorded start time of its main process; {problem}, so PidGuard does not signal it (end it with kill {live} if it is the daemon)");
            return Make(paths, DaemonState.Running, live, verified: true, record: record,
                reason: $"{where}, but its main process still runs and holds the lock file it was started with");
        }
        if (DaemonIdentity.SupervisorProblem(record, recordedLock, p) is { } why)
            return Make(paths, DaemonState.Running, live, verified: false, record: record,
                reason: $"{where}, but PID {live} still runs with the recorded start time of its supervisor; {why}, so PidGuard does not signal it");
        return Make(paths, DaemonState.Restarting, record: record, supervisor: live,
            reason: $"{where}, but its supervisor (PID {live}) still runs and holds the lock file it was started with");
    }

    private static DaemonStatus Legacy(DaemonPaths paths, IPlatform p)
    {
        if (Unlocked(paths, p, lockFileMissing: true) is { } unlocked)
            return unlocked;
        var pid = PidFile.Read(paths.PidFile, p);
        if (pid.Kind == PidFileKind.Missing)
            return Make(paths, DaemonState.NotRunning);
        if (pid.Kind != PidFileKind.Valid)
            return Make(paths, DaemonState.Unknown, legacy: true, reason: $"{pid.Reason} and there is no lock file");
        int value = pid.Pid!.Value;
        if (!ProcessIdentity.IsAlive(value, p))
            return Make(paths, DaemonState.Stale, value, legacy: true, reason: $"legacy pid file names PID {value}, which is not running");
        var record = StateFile.ReadFor(paths, p);
        bool verified = record is not null && DaemonIdentity.MainProblem(value, record, lockFile: null, p) is null;
        return Make(paths, DaemonState.Running, value, verified, legacy: true, record: record,
            reason: $"legacy pid file (no lock file): PID {value} is alive, but without the lock it is not proven to be the daemon");
    }

    private static DaemonStatus Make(DaemonPaths paths, DaemonState state, int? pid = null, bool verified = false,
        bool legacy = false, string? reason = null, DaemonStateRecord? record = null, int? supervisor = null, IReadOnlyList<int>? holders = null)
    {
        var now = DateTimeOffset.UtcNow;
        TimeSpan? heartbeatAge = null;
        bool unresponsive = false;
        if (state == DaemonState.Running && verified && record?.HeartbeatAt is { } beat)
        {
            heartbeatAge = now - beat;
            if (record.HeartbeatIntervalMs is > 0 and var interval)
                unresponsive = heartbeatAge.Value.TotalMilliseconds > interval * DaemonStatus.UnresponsiveAfterIntervals;
        }
        return new DaemonStatus
        {
            Name = paths.Name,
            Paths = paths,
            State = state,
            Pid = pid,
            IsIdentityVerified = verified,
            IsLegacy = legacy,
            Reason = reason,
            Record = record,
            Supervisor = supervisor,
            Holders = holders ?? [],
            Uptime = state == DaemonState.Running && verified && record is not null ? now - record.StartedAt : null,
            HeartbeatAge = heartbeatAge,
            IsUnresponsive = unresponsive,
        };
    }
}
