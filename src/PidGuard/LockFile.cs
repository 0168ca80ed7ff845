using PidGuard.Platform;

namespace PidGuard;

/// <summary>Opening, checking and flock-ing <c>NAME.lock</c>.</summary>
internal static class LockFile
{
    public const int Mode = 0x180; // 0600

    /// <summary>
    /// Opens the lock file with O_NOFOLLOW|O_CLOEXEC (creating it 0600 when <paramref name="create"/>),
    /// and checks it is a regular file of the current user. Null when it is missing and not created.
    /// </summary>
    public static SafeFd? Open(IPlatform p, string path, bool create, out FileStatus status)
    {
        var c = p.Constants;
        int flags = (create ? c.ORdWr | c.OCreat : c.ORdOnly) | c.OCloExec | c.ONoFollow;
        var fd = p.TryOpen(path, flags, Mode, out int errno);
        if (fd is null)
        {
            status = default;
            if (errno == UnixConstants.ENoEnt && !create)
                return null;
            if (errno == c.ELoop)
                throw new PidGuardException($"Lock file '{path}' is a symbolic link; PidGuard does not follow it.", path);
            throw new PidGuardException($"Lock file '{path}' cannot be opened: {new UnixIOException(errno, "open", null).Message}", path);
        }
        try
        {
            status = p.FStat(fd, path);
            if (!status.IsRegularFile)
                throw new PidGuardException($"Lock file '{path}' is {status.Describe()}, not a regular file.", path);
            if (status.OwnerUid != p.EffectiveUserId)
                throw new PidGuardException($"Lock file '{path}' is owned by uid {status.OwnerUid}, not by the current user (uid {p.EffectiveUserId}).", path);
            return fd;
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One acquire attempt: open (create), flock(LOCK_EX|LOCK_NB), then check the path still names
    /// the locked inode (someone may have replaced the file between open and lock). Null when the
    /// lock is held by another open file description.
    /// </summary>
    public static SafeFd? TryLockExclusive(IPlatform p, string path, bool create = true)
    {
        for (int attempt = 0; attempt < 16; attempt++)
        {
            var fd = Open(p, path, create, out var opened);
            if (fd is null)
                return null;
            bool locked;
            try
            {
                locked = p.TryLock(fd, UnixConstants.LockEx, path);
            }
            catch (UnixIOException e)
            {
                fd.Dispose();
                throw new PidGuardException($"Lock file '{path}' cannot be locked: {e.Message}", path, e);
            }
            if (!locked)
            {
                fd.Dispose();
                return null;
            }
            if (p.LStat(path) is { } now && now.SameFileAs(opened))
                return fd;
            fd.Dispose(); // closing drops our lock on the orphaned inode
        }
        throw new PidGuardException($"Lock file '{path}' keeps being replaced while PidGuard locks it.", path);
    }

    /// <summary>
    /// True when another open file description holds the lock, false when it is free, null when
    /// there is no lock file. Probes with flock(LOCK_SH|LOCK_NB) and drops the shared lock at once.
    /// </summary>
    public static bool? IsHeld(IPlatform p, string path)
    {
        using var fd = Open(p, path, create: false, out _);
        if (fd is null)
            return null;
        try
        {
            if (!p.TryLock(fd, UnixConstants.LockSh, path))
                return true;
            p.Unlock(fd, path);
            return false;
        }
        catch (UnixIOException e)
        {
            throw new PidGuardException($"Lock file '{path}' cannot be probed: {e.Message}", path, e);
        }
    }
}
