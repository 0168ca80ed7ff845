using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// A shared flock on the runtime directory, held by each daemon for its life. systemd-tmpfiles skips
/// the age-based clean-up of a directory that someone holds a BSD lock on (tmpfiles.d(5)), so the files
/// of a daemon that runs for weeks in <c>/tmp/pidguard-UID</c> are not deleted under it. Shared locks do
/// not exclude each other; nothing in PidGuard takes the directory exclusively. Best effort: a file system
/// without flock just goes without.
/// </summary>
internal static class DirectoryPin
{
    public static SafeFd? TryTake(IPlatform p, string directory)
    {
        try
        {
            var c = p.Constants;
            var fd = p.TryOpen(directory, c.ORdOnly | c.ODirectory | c.OCloExec | c.ONoFollow, 0, out _);
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
