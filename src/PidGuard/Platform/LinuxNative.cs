using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>Linux-only system calls: statx (one layout on every architecture), pidfd, statfs.</summary>
internal static unsafe partial class LinuxNative
{
    private const string Libc = "libc";

    internal const int AtFdCwd = -100;
    internal const int AtSymlinkNoFollow = 0x100;
    internal const int AtEmptyPath = 0x1000;
    internal const uint StatxBasicStats = 0x7ff;
    internal const int StatxBufferSize = 256;

    // The generic syscall table numbers these identically on every Linux architecture.
    internal const nint SysPidfdSendSignal = 424;
    internal const nint SysPidfdOpen = 434;

    internal const long NfsSuperMagic = 0x6969;
    internal const long SmbSuperMagic = 0x517B;
    internal const long CifsSuperMagic = 0xFF534D42;
    internal const long Smb2SuperMagic = 0xFE534D42;
    internal const long FuseSuperMagic = 0x65735546;
    internal const long Afs9pMagic = 0x01021997;

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Statx(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    internal static partial nint Syscall(nint number, nint a1, nint a2, nint a3, nint a4);

    [LibraryImport(Libc, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int StatFs(string path, byte* buffer);

    internal static FileStatus ParseStatx(byte* b)
    {
        uint links = *(uint*)(b + 16);
        uint uid = *(uint*)(b + 20);
        ushort mode = *(ushort*)(b + 28);
        ulong ino = *(ulong*)(b + 32);
        long size = *(long*)(b + 40);
        ulong devMajor = *(uint*)(b + 136);
        ulong devMinor = *(uint*)(b + 140);
        return new FileStatus((devMajor << 32) | devMinor, ino, mode, uid, size, links);
    }
}
