using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// Reads a pid or state file on Windows: never through a reparse point, and with every share mode, so
/// that the holder's atomic replace of the file never fails because of this reader.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsSmallFile
{
    public static unsafe SmallFile Read(string path, int maxBytes)
    {
        FileAttributeFlags? byPath;
        try
        {
            byPath = WindowsFileAttributes.OfPath(path);
        }
        catch (WindowsIOException e)
        {
            return new(SmallFileKind.CannotOpen, Detail: e.Message);
        }
        if (byPath is not { } attributes)
            return new(SmallFileKind.Missing);
        if (Kind(attributes) is { } notAFile)
            return notAFile;
        using var file = CreateFile(path, FileAccessRights.GenericRead, FileShareMode.All, null,
            CreationDisposition.OpenExisting, FileFlagsAndAttributes.AttributeNormal | FileFlagsAndAttributes.FlagOpenReparsePoint, 0);
        if (file.IsInvalid)
        {
            var error = WindowsIOException.Last("CreateFileW", path);
            return error.NativeErrorCode is Interop.Errors.ERROR_FILE_NOT_FOUND or Interop.Errors.ERROR_PATH_NOT_FOUND
                ? new(SmallFileKind.Missing)
                : new(SmallFileKind.CannotOpen, Detail: error.Message);
        }
        try
        {
            // Race: the path was replaced by a directory or a link between the look by path and the open.
            if (Kind(WindowsFileAttributes.OfHandle(file, path)) is { } replaced)
                return replaced;
            if (!GetFileInformationByHandle(file, out var info))
                throw WindowsIOException.Last("GetFileInformationByHandle", path);
            if (info.FileSize > maxBytes)
                return new(SmallFileKind.TooLarge, Size: info.FileSize);
            byte[] buffer = new byte[info.FileSize + 1];
            return new(SmallFileKind.Read, buffer[..ReadUpTo(file, buffer, path)]);
        }
        catch (WindowsIOException e)
        {
            return new(SmallFileKind.CannotRead, Detail: e.Message);
        }
    }

    private static SmallFile? Kind(FileAttributeFlags attributes) =>
        (attributes & FileAttributeFlags.ReparsePoint) != 0 ? new(SmallFileKind.SymbolicLink, Detail: "it is a reparse point (symbolic link or junction), which PidGuard does not follow")
        : (attributes & (FileAttributeFlags.Directory | FileAttributeFlags.Device)) != 0 ? new(SmallFileKind.NotRegularFile, Detail: WindowsFileAttributes.Describe(attributes))
        : null;

    /// <summary>Reads until <paramref name="buffer"/> is full or the file ends; returns how many bytes were read.</summary>
    public static unsafe int ReadUpTo(Microsoft.Win32.SafeHandles.SafeFileHandle file, byte[] buffer, string path)
    {
        int total = 0;
        fixed (byte* data = buffer)
        {
            while (total < buffer.Length)
            {
                if (!ReadFile(file, data + total, buffer.Length - total, out int read, null))
                    throw WindowsIOException.Last("ReadFile", path);
                if (read == 0)
                    break;
                total += read;
            }
        }
        return total;
    }
}
