using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// Replaces a file atomically: a temp file created O_EXCL|O_NOFOLLOW in the same directory,
/// written, optionally fsynced, renamed over the target. Readers see the old or the new
/// content, never a torn or empty file.
/// </summary>
internal static class AtomicFile
{
    public static FileStatus Write(IPlatform p, string target, string temp, ReadOnlySpan<byte> data, int mode, bool sync)
    {
        var c = p.Constants;
        for (int attempt = 0; ; attempt++)
        {
            var fd = p.TryOpen(temp, c.OWrOnly | c.OCreat | c.OExcl | c.ONoFollow | c.OCloExec, mode, out int errno);
            if (fd is null)
            {
                // Race: a holder that died mid-write left its temp file. Only the lock holder writes, so
                // an existing temp file can only be such a leftover: remove it (if it is ours) and retry once.
                if (errno == UnixConstants.EExist && attempt == 0 && RemoveLeftover(p, temp))
                    continue;
                throw new UnixIOException(errno, "create", temp);
            }
            FileStatus written;
            try
            {
                using (fd)
                {
                    p.FChmod(fd, mode, temp);
                    p.WriteAll(fd, data, temp);
                    if (sync)
                        p.FSync(fd, temp);
                    written = p.FStat(fd, temp);
                }
                p.Rename(temp, target);
            }
            catch
            {
                TryUnlink(p, temp);
                throw;
            }
            return written;
        }
    }

    private static bool RemoveLeftover(IPlatform p, string temp)
    {
        if (p.LStat(temp) is not { IsRegularFile: true } st || st.OwnerUid != p.EffectiveUserId)
            throw new PidGuardException($"Temporary file '{temp}' exists and is not a regular file of the current user; PidGuard will not remove it.", temp);
        p.Unlink(temp);
        return true;
    }

    private static void TryUnlink(IPlatform p, string path)
    {
        try
        {
            p.Unlink(path);
        }
        catch (UnixIOException)
        {
            // The original error is the one worth reporting.
        }
    }
}
