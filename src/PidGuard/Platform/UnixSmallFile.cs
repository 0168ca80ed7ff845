namespace PidGuard.Platform;

/// <summary>Reads a pid or state file on Unix: O_NOFOLLOW (a symbolic link is never followed), O_NONBLOCK (a FIFO never blocks).</summary>
internal static class UnixSmallFile
{
    public static SmallFile Read(UnixPlatform p, string path, int maxBytes)
    {
        var fd = p.TryOpen(path, OpenFlags.ReadOnly | OpenFlags.CloseOnExec | OpenFlags.NoFollow | OpenFlags.NonBlocking, 0, out int errno);
        if (fd is null)
        {
            return errno switch
            {
                UnixConstants.ENoEnt => new(SmallFileKind.Missing),
                _ when errno == p.Constants.ELoop => new(SmallFileKind.SymbolicLink, Detail: new UnixIOException(errno, "open", null).Message),
                _ => new(SmallFileKind.CannotOpen, Detail: new UnixIOException(errno, "open", null).Message),
            };
        }
        using (fd)
        {
            try
            {
                var st = p.FStat(fd, path);
                if (!st.IsRegularFile)
                    return new(SmallFileKind.NotRegularFile, Detail: st.Describe());
                if (st.Size > maxBytes)
                    return new(SmallFileKind.TooLarge, Size: st.Size);
                byte[] buffer = new byte[Math.Max(st.Size, 0) + 1];
                int total = p.Read(fd, buffer, path);
                return new(SmallFileKind.Read, buffer[..total]);
            }
            catch (UnixIOException e)
            {
                return new(SmallFileKind.CannotRead, Detail: e.Message);
            }
        }
    }
}
