using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PidGuard.Cli.Native;

namespace PidGuard.Cli;

/// <summary>
/// Opens a log file that must be a regular file. The open is O_NONBLOCK, so a FIFO planted at the
/// path cannot block it (a FileStream would wait forever for a writer); anything but a regular
/// file is then refused, naming the file. A symbolic link at the path is refused too (O_NOFOLLOW):
/// a log, a start definition or an env file of pidguard's own is never another file under its name.
/// </summary>
internal static class RegularFile
{
    /// <param name="followLinks">True only for a file the user named (an --env-file): pidguard's own files are never followed.</param>
    public static FileStream OpenRead(string path, string what = "log file", bool followLinks = false) => Open(path, Libc.ORdOnly, FileAccess.Read, what, followLinks);

    /// <summary>Opens for appending, creating it 0644 (less the umask) when missing.</summary>
    public static FileStream OpenAppend(string path, string what = "log file") => Open(path, Libc.OWrOnly | Libc.OAppend | Libc.OCreat, FileAccess.Write, what, followLinks: false);

    /// <summary>True when <paramref name="path"/> is a symbolic link (not followed).</summary>
    public static bool IsSymbolicLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static CliError SymbolicLink(string path, string what) =>
        new($"{what} '{path}' is a symbolic link; pidguard does not follow one there (name the file itself)", ExitCodes.Failure);

    private static FileStream Open(string path, int flags, FileAccess access, string what, bool followLinks)
    {
        if (!followLinks && IsSymbolicLink(path))
            throw SymbolicLink(path, what);
        if (Directory.Exists(path))
            throw new CliError($"{what} '{path}' is a directory, not a regular file", ExitCodes.Failure);
        int fd = Libc.Open(path, flags | Libc.ONonBlock | Libc.ONoCtty | Libc.OCloExec | (followLinks ? 0 : Libc.ONoFollow), 0x1A4 /* 0644 */);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.ELoop && !followLinks)
                throw SymbolicLink(path, what);
            throw new CliError($"cannot open {what} '{path}': {Libc.ErrorText(errno)}", ExitCodes.Failure);
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        FileStream stream;
        try
        {
            stream = new FileStream(handle, access, 1);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw new CliError($"{what} '{path}' is not a regular file (a FIFO, socket or terminal); pidguard reads and writes it only as a regular file", ExitCodes.Failure);
        }
        return stream;
    }
}
