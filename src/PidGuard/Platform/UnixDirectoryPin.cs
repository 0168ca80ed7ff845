namespace PidGuard.Platform;

/// <summary>
/// A shared flock on the runtime directory, held by each daemon for its life. systemd-tmpfiles skips
/// the age-based clean-up of a directory that someone holds a BSD lock on (tmpfiles.d(5)), so the files
/// of a daemon that runs for weeks in <c>/tmp/pidguard-UID</c> are not deleted under it. Shared locks do
/// not exclude each other; nothing in PidGuard takes the directory exclusively. Best effort: a file system
/// without flock just goes without.
/// </summary>
internal static class UnixDirectoryPin
{
    public static SafeFd? TryTake(UnixPlatform p, string directory)
    {
        try
        {
            var fd = p.TryOpen(directory, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.CloseOnExec | OpenFlags.NoFollow, 0, out _);
            if (fd is null)
                return null;
            if (p.TryLock(fd, UnixConstants.LockSh, directory))
                return fd;
            fd.Dispose();
            return null;
        }
        catch (PidGuardException)
        {
            return null;
        }
    }
}
