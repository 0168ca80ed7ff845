namespace PidGuard.Platform;

/// <summary>
/// Replaces a file atomically on Unix: a temp file created O_EXCL|O_NOFOLLOW in the same directory,
/// written, optionally fsynced, renamed over the target. Readers see the old or the new
/// content, never a torn or empty file.
/// </summary>
internal static class UnixAtomicFile
{
    /// <summary>The mode of the pid and state files: anyone may read them.</summary>
    public const int PublicFileMode = 0x1A4; // 0644

    public static FileStatus Write(UnixPlatform p, string target, string temp, ReadOnlySpan<byte> data, int mode, bool sync)
    {
        for (int attempt = 0; ; attempt++)
        {
            var fd = p.TryOpen(temp, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow | OpenFlags.CloseOnExec, mode, out int errno);
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

    private static bool RemoveLeftover(UnixPlatform p, string temp)
    {
        if (p.LStat(temp) is not { IsRegularFile: true } st || st.OwnerUid != p.EffectiveUserId)
            throw new PidGuardException($"Temporary file '{temp}' exists and is not a regular file of the current user; PidGuard will not remove it.", temp);
        p.Unlink(temp);
        return true;
    }

    private static void TryUnlink(UnixPlatform p, string path)
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
