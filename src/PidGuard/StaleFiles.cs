using PidGuard.Platform;

namespace PidGuard;

/// <summary>Removes the pid and state files of a daemon that is proven gone.</summary>
internal static class StaleFiles
{
    /// <summary>
    /// Takes the lock exclusively (so no daemon can be starting meanwhile), then removes the pid and
    /// state files if they are PidGuard's: regular files of the current user; the state file only if it
    /// is a record of this name (or one a crash tore); the pid file only if the lock file or the state
    /// file shows the name is PidGuard's. False, with <paramref name="leftBecause"/> null, when a process
    /// holds the lock or the recorded daemon still runs; with a reason when the files are not ours to remove.
    /// </summary>
    public static bool TryClean(IPlatform p, DaemonPaths paths, out string? leftBecause)
    {
        leftBecause = null;
        // Race: a new instance starts while the files are removed. Holding the lock meanwhile keeps it out.
        using var fd = LockFile.TryLockExclusive(p, paths.LockFile, create: false);
        if (fd is null && p.LStat(paths.LockFile) is not null)
            return false; // held: someone (re)started it
        try
        {
            var state = StateFile.Claim(paths, p);
            if (Predecessor.LivePid(state.Record, p) is not null || OrphanedSession.Find(state.Record, p).Count > 0)
                return false;
            if (fd is null && !state.IsPidGuards)
            {
                var legacy = PidFile.Read(paths.PidFile, p);
                if (legacy.Kind == PidFileKind.Valid && ProcessIdentity.IsAlive(legacy.Pid!.Value, p))
                    return false;
                if (legacy.Kind != PidFileKind.Missing)
                {
                    leftBecause = $"the pid file '{paths.PidFile}' has no lock file and no PidGuard state file beside it: it is not PidGuard's, so it is left in place";
                    return false;
                }
            }
            bool pidRemoved = RemoveIfOwnRegularFile(p, paths.PidFile);
            if (state.IsPidGuards)
                RemoveIfOwnRegularFile(p, paths.StateFile);
            else if (state.Kind == StateFileKind.Foreign)
                leftBecause = $"{state.Problem}; it is left in place";
            return pidRemoved;
        }
        finally
        {
            if (fd is not null)
                p.UnlockUnshared(fd, paths.LockFile); // ours alone (see LockFile.IsHeld)
        }
    }

    private static bool RemoveIfOwnRegularFile(IPlatform p, string path)
    {
        var st = p.LStat(path);
        if (st is null)
            return true;
        if (!st.Value.IsRegularFile || !FileOwnership.IsOurs(p, st.Value, path))
            return false;
        p.Unlink(path);
        return true;
    }
}
