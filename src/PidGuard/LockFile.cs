using System.Runtime.InteropServices;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>Taking and probing <c>NAME.lock</c>, whatever the platform's lock is (flock, or LockFileEx ranges).</summary>
internal static class LockFile
{
    /// <summary>
    /// One acquire attempt: open (create), lock exclusively without waiting, then check the path still
    /// names the locked file (someone may have replaced the file between open and lock). Null when the
    /// lock is held by another holder.
    /// </summary>
    public static SafeHandle? TryLockExclusive(IPlatform p, string path, bool create = true) => TryLockExclusive(p, path, out _, create);

    /// <inheritdoc cref="TryLockExclusive(IPlatform, string, bool)"/>
    public static SafeHandle? TryLockExclusive(IPlatform p, string path, out FileStatus locked, bool create = true)
    {
        locked = default;
        for (int attempt = 0; attempt < 16; attempt++)
        {
            var fd = p.OpenLockFile(path, create, out var opened);
            if (fd is null)
                return null;
            bool stillTheFile;
            try
            {
                if (!p.TryLockExclusive(fd, path))
                {
                    fd.Dispose();
                    return null;
                }
                stillTheFile = p.LStat(path) is { } now && now.SameFileAs(opened);
            }
            catch (SystemCallException e)
            {
                fd.Dispose();
                throw new PidGuardException($"Lock file '{path}' cannot be locked: {e.Message}", path, e);
            }
            if (stillTheFile)
            {
                locked = opened;
                return fd;
            }
            fd.Dispose(); // Race: the file was replaced between open and lock; closing drops our lock on the orphaned file
        }
        throw new PidGuardException($"Lock file '{path}' keeps being replaced while PidGuard locks it.", path);
    }

    /// <summary>
    /// True when another holder has the lock, false when it is free, null when there is no lock
    /// file. Probes with a shared lock (flock(LOCK_SH|LOCK_NB), or shared ranges) dropped at once.
    /// </summary>
    public static bool? IsHeld(IPlatform p, string path)
    {
        using var fd = p.OpenLockFile(path, create: false, out _);
        if (fd is null)
            return null;
        try
        {
            return p.IsLockHeld(fd, path);
        }
        catch (SystemCallException e)
        {
            throw new PidGuardException($"Lock file '{path}' cannot be probed: {e.Message}", path, e);
        }
    }
}
