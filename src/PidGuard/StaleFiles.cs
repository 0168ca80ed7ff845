using PidGuard.Platform;

namespace PidGuard;

/// <summary>Removes the pid and state files of a daemon that is proven gone.</summary>
internal static class StaleFiles
{
    /// <summary>
    /// Takes the lock exclusively (so no daemon can be starting meanwhile), then removes the pid
    /// and state files if they are regular files of the current user. A legacy pid file (no lock
    /// file) is removed only if its PID is not alive. False when a process holds the lock or the
    /// pid file is not a regular file of ours.
    /// </summary>
    public static bool TryClean(IPlatform p, DaemonPaths paths)
    {
        // Race: a new instance starts while the files are removed. Holding the lock meanwhile keeps it out.
        using var fd = LockFile.TryLockExclusive(p, paths.LockFile, create: false);
        if (fd is null)
        {
            if (p.LStat(paths.LockFile) is not null)
                return false; // held: someone (re)started it
            var legacy = PidFile.Read(paths.PidFile, p);
            if (legacy.Kind == PidFileKind.Valid && ProcessIdentity.IsAlive(legacy.Pid!.Value, p))
                return false;
        }
        try
        {
            bool pidRemoved = RemoveIfOwnRegularFile(p, paths.PidFile);
            RemoveIfOwnRegularFile(p, paths.StateFile);
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
        if (!st.Value.IsRegularFile || (st.Value.OwnerUid != p.EffectiveUserId && p.EffectiveUserId != 0))
            return false;
        p.Unlink(path);
        return true;
    }
}
