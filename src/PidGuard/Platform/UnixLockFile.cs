using System.Globalization;

namespace PidGuard.Platform;

/// <summary>Opening and checking <c>NAME.lock</c> on Unix, and adopting the descriptor a parent handed off.</summary>
internal static class UnixLockFile
{
    public const int Mode = 0x180; // 0600

    /// <summary>
    /// Opens the lock file with O_NOFOLLOW|O_CLOEXEC (creating it 0600 when <paramref name="create"/>),
    /// and checks it is a regular file of the current user. Null when it is missing and not created.
    /// </summary>
    public static SafeFd? Open(UnixPlatform p, string path, bool create, out FileStatus status)
    {
        // O_NONBLOCK: a FIFO planted at the path must not block the open (flock ignores the flag).
        var flags = (create ? OpenFlags.ReadWrite | OpenFlags.Create : OpenFlags.ReadOnly) | OpenFlags.CloseOnExec | OpenFlags.NoFollow | OpenFlags.NonBlocking;
        var fd = p.TryOpen(path, flags, Mode, out int errno);
        if (fd is null && create && errno == UnixConstants.EAcces && RepairMode(p, path))
            fd = p.TryOpen(path, flags, Mode, out errno);
        if (fd is null)
        {
            status = default;
            if (errno == UnixConstants.ENoEnt && !create)
                return null;
            if (errno == p.Constants.ELoop)
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
    private static bool RepairMode(UnixPlatform p, string path)
    {
        if (p.LStat(path) is not { IsRegularFile: true, Links: 1 } st || st.OwnerUid != p.EffectiveUserId || st.Permissions == Mode)
            return false;
        p.Chmod(path, Mode);
        return true;
    }

    /// <summary>
    /// The descriptor inherited through <c>PIDGUARD_LOCK_FD</c>: it must name this name's lock file
    /// and hold its lock, and it stops being inheritable. Not closed on failure: the caller may still own it.
    /// </summary>
    public static SafeFd Adopt(UnixPlatform p, DaemonPaths paths, out FileStatus inherited)
    {
        string variable = InstanceLock.LockFdEnvironmentVariable;
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 0)
            throw new PidGuardException($"{variable} is '{text}': there is no inherited lock descriptor to adopt.");
        var fd = new SafeFd(number);
        try
        {
            try
            {
                inherited = p.FStat(fd, $"{variable}={number}");
            }
            catch (UnixIOException e)
            {
                throw new PidGuardException($"{variable}={number} is not an open file descriptor: {e.Message}", paths.LockFile, e);
            }
            if (p.LStat(paths.LockFile) is not { } onDisk || !onDisk.SameFileAs(inherited))
                throw new PidGuardException($"{variable}={number} does not refer to the lock file '{paths.LockFile}'.", paths.LockFile);
            // Re-locking through the same open file description is a no-op when the parent holds it;
            // it fails only when another description holds the lock.
            if (!p.TryLock(fd, UnixConstants.LockEx, paths.LockFile))
                throw new PidGuardException($"{variable}={number} does not hold the lock of '{paths.LockFile}': another process does.", paths.LockFile);
            p.SetInheritable(fd, false, paths.LockFile);
            return fd;
        }
        catch
        {
            fd.SetHandleAsInvalid(); // not ours to close: the caller may still own it
            throw;
        }
    }
}
