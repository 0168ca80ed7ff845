using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>libc entry points shared by Linux and macOS, with identical signatures on both.</summary>
internal static unsafe partial class UnixNative
{
    private const string Libc = "libc";

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags, int mode);

    // Apple arm64 passes variadic arguments on the stack: eight register-sized pads put `mode`
    // exactly where open(2)'s va_arg reads it.
    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int OpenAppleArm64(string path, int flags, nint p2, nint p3, nint p4, nint p5, nint p6, nint p7, int mode);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(int fd, int operation);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FSync(int fd);

    [LibraryImport(Libc, EntryPoint = "fchmod", SetLastError = true)]
    internal static partial int FChmod(int fd, int mode);

    [LibraryImport(Libc, EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Chmod(string path, int mode);

    [LibraryImport(Libc, EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Rename(string from, string to);

    [LibraryImport(Libc, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Unlink(string path);

    [LibraryImport(Libc, EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int MkDir(string path, int mode);

    [LibraryImport(Libc, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    [LibraryImport(Libc, EntryPoint = "getpgid", SetLastError = true)]
    internal static partial int GetPgid(int pid);

    [LibraryImport(Libc, EntryPoint = "geteuid")]
    internal static partial uint GetEUid();

    [LibraryImport(Libc, EntryPoint = "getpid")]
    internal static partial int GetPid();

    // ioctl is variadic; FIOCLEX / FIONCLEX take no third argument, so the fixed prototype is exact.
    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(int fd, nuint request);

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    internal const short PollIn = 1;
}
