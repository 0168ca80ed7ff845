using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// macOS stat/statfs with 64-bit inodes. On x86_64 the 64-bit-inode variants carry the
/// <c>$INODE64</c> suffix; on arm64 the plain names are already 64-bit.
/// </summary>
internal static unsafe partial class MacNative
{
    private const string Libc = "libc";
    internal const int StatBufferSize = 144;
    internal const int StatFsBufferSize = 2168;

    [LibraryImport(Libc, EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LStatArm64(string path, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "lstat$INODE64", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LStatX64(string path, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int StatArm64(string path, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "stat$INODE64", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int StatX64(string path, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "fstat", SetLastError = true)]
    internal static partial int FStatArm64(int fd, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "fstat$INODE64", SetLastError = true)]
    internal static partial int FStatX64(int fd, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "statfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int StatFsArm64(string path, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "statfs$INODE64", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int StatFsX64(string path, byte* buffer);

    internal static FileStatus ParseStat(byte* b)
    {
        uint dev = *(uint*)b;
        ushort mode = *(ushort*)(b + 4);
        ushort links = *(ushort*)(b + 6);
        ulong ino = *(ulong*)(b + 8);
        uint uid = *(uint*)(b + 16);
        long size = *(long*)(b + 96);
        return new FileStatus(dev, ino, mode, uid, size, links);
    }
}
