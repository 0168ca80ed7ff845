using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>File attributes and reparse points, by path and by handle.</summary>
[SupportedOSPlatform("windows")]
internal static class WindowsFileAttributes
{
    /// <summary>The attributes of a path itself (not what a reparse point names); null when it does not exist.</summary>
    public static FileAttributeFlags? OfPath(string path)
    {
        uint attributes = GetFileAttributes(path);
        if (attributes != INVALID_FILE_ATTRIBUTES)
            return (FileAttributeFlags)attributes;
        var error = WindowsIOException.Last("GetFileAttributesW", path);
        if (error.NativeErrorCode is Interop.Errors.ERROR_FILE_NOT_FOUND or Interop.Errors.ERROR_PATH_NOT_FOUND)
            return null;
        throw error;
    }

    /// <summary>The attributes of an open handle (FileAttributeTagInfo).</summary>
    public static unsafe FileAttributeFlags OfHandle(SafeFileHandle handle, string path)
    {
        FileAttributeTagInfo info;
        if (!GetFileInformationByHandleEx(handle, FileInfoByHandleClass.FileAttributeTagInfo, &info, sizeof(FileAttributeTagInfo)))
            throw WindowsIOException.Last("GetFileInformationByHandleEx(FileAttributeTagInfo)", path);
        return info.FileAttributes;
    }

    /// <summary>Volume serial number and file index: the Windows (dev, ino).</summary>
    public static (uint Volume, ulong Index) IdentityOf(SafeFileHandle handle, string path)
    {
        if (!GetFileInformationByHandle(handle, out var info))
            throw WindowsIOException.Last("GetFileInformationByHandle", path);
        return (info.VolumeSerialNumber, info.FileIndex);
    }

    public static string Describe(FileAttributeFlags attributes) =>
        (attributes & FileAttributeFlags.ReparsePoint) != 0 ? "a reparse point (symbolic link or junction)"
        : (attributes & FileAttributeFlags.Directory) != 0 ? "a directory"
        : (attributes & FileAttributeFlags.Device) != 0 ? "a device"
        : "a regular file";
}
