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
        // O_NONBLOCK: a FIFO planted at the path must not block the open (flock ignores the flag).
        int flags = (create ? c.ORdWr | c.OCreat : c.ORdOnly) | c.OCloExec | c.ONoFollow | c.ONonBlock;
        var fd = p.TryOpen(path, flags, Mode, out int errno);
        if (fd is null && create && errno == UnixConstants.EAcces && RepairMode(p, path))
            fd = p.TryOpen(path, flags, Mode, out errno);
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
            if (!FileOwnership.IsOurs(p, status, path))
                throw new PidGuardException($"Lock file '{path}' is owned by uid {status.OwnerUid}, not by the current user (uid {p.EffectiveUserId}).", path);
            if (status.Links > 1)
                throw new PidGuardException($"Lock file '{path}' has {status.Links} hard links: it is also another file, which PidGuard will not lock or change.", path);
            if (create && status.Permissions != Mode)
                p.FChmod(fd, Mode, path); // created under a hostile umask, or changed by hand: 0600 is the protocol
            return fd;
        }
        catch (UnixIOException e)
        {
            fd.Dispose();
            throw new PidGuardException($"Lock file '{path}' cannot be used: {e.Message}", path, e);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A lock file of ours that we may not open for writing (created under umask 0277, say) gets its
    /// protocol mode back. The runtime directory is ours and closed to others, so the path cannot be
    /// swapped between the check and the chmod.
    /// </summary>
    private static bool RepairMode(IPlatform p, string path)
    {
        if (p.LStat(path) is not { IsRegularFile: true, Links: 1 } st || st.OwnerUid != p.EffectiveUserId || st.Permissions == Mode)
            return false;
        p.Chmod(path, Mode);
        return true;
    }

    /// <summary>
    /// One acquire attempt: open (create), flock(LOCK_EX|LOCK_NB), then check the path still names
    /// the locked inode (someone may have replaced the file between open and lock). Null when the
    /// lock is held by another open file description.
    /// </summary>
    public static SafeFd? TryLockExclusive(IPlatform p, string path, bool create = true) => TryLockExclusive(p, path, out _, create);

    /// <inheritdoc cref="TryLockExclusive(IPlatform, string, bool)"/>
    public static SafeFd? TryLockExclusive(IPlatform p, string path, out FileStatus locked, bool create = true)
    {
        locked = default;
        for (int attempt = 0; attempt < 16; attempt++)
        {
            var fd = Open(p, path, create, out var opened);
            if (fd is null)
                return null;
            bool stillTheFile;
            try
            {
                if (!p.TryLock(fd, UnixConstants.LockEx, path))
                {
                    fd.Dispose();
                    return null;
                }
                stillTheFile = p.LStat(path) is { } now && now.SameFileAs(opened);
            }
            catch (UnixIOException e)
            {
                fd.Dispose();
                throw new PidGuardException($"Lock file '{path}' cannot be locked: {e.Message}", path, e);
            }
            if (stillTheFile)
            {
                locked = opened;
                return fd;
            }
            fd.Dispose(); // Race: the file was replaced between open and flock; closing drops our lock on the orphaned inode
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
            // This descriptor is ours alone: unlock before closing, so that a copy made by another
            // thread's fork (until its exec) cannot keep the probe's shared lock for a moment.
            p.UnlockUnshared(fd, path);
            return false;
        }
        catch (UnixIOException e)
        {
            throw new PidGuardException($"Lock file '{path}' cannot be probed: {e.Message}", path, e);
        }
    }
}
