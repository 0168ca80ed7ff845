using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// A <see cref="FileStatus"/> for a Windows file: (volume serial number, file index) as (device,
/// inode); the type (a reparse point reads as a symbolic link); the owner as
/// <see cref="WindowsPlatform.CurrentUserUid"/> or <see cref="WindowsPlatform.OtherUserUid"/>; and
/// permission bits that say only whether anyone but this user, SYSTEM and Administrators may write it.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsFileStatus
{
    /// <summary>The path itself (a reparse point is not followed); null when it does not exist.</summary>
    public static unsafe FileStatus? OfPath(string path, WindowsUser user)
    {
        using var handle = CreateFile(path, FileAccessRights.FileReadAttributes | FileAccessRights.ReadControl, FileShareMode.All, null,
            CreationDisposition.OpenExisting, FileFlagsAndAttributes.FlagBackupSemantics | FileFlagsAndAttributes.FlagOpenReparsePoint, 0);
        if (handle.IsInvalid)
        {
            var error = WindowsIOException.Last("CreateFileW", path);
            return error.NativeErrorCode is Interop.Errors.ERROR_FILE_NOT_FOUND or Interop.Errors.ERROR_PATH_NOT_FOUND ? null : throw error;
        }
        return OfHandle(handle, path, user);
    }

    /// <summary>The file an open handle names (opened with READ_CONTROL, which GENERIC_READ includes).</summary>
    public static FileStatus OfHandle(SafeFileHandle handle, string path, WindowsUser user)
    {
        if (!GetFileInformationByHandle(handle, out var info))
            throw WindowsIOException.Last("GetFileInformationByHandle", path);
        var attributes = WindowsFileAttributes.OfHandle(handle, path);
        // Wine follows a Unix symbolic link even with FILE_FLAG_OPEN_REPARSE_POINT, but reports it by path.
        if ((WindowsFileAttributes.OfPath(path) ?? 0) is var byPath && (byPath & FileAttributeFlags.ReparsePoint) != 0)
            attributes |= FileAttributeFlags.ReparsePoint;
        var security = WindowsSecurityDescriptor.ReadFile(handle, path);
        bool othersMayWrite = security.Dacl is null || WindowsDacl.FirstForeignWriter(security.Dacl, sid =>
            user.IsSelf(sid) || sid is WindowsSids.LocalSystem or WindowsSids.Administrators) is not null;
        int type = (attributes & FileAttributeFlags.ReparsePoint) != 0 ? UnixConstants.SIfLnk
            : (attributes & FileAttributeFlags.Directory) != 0 ? UnixConstants.SIfDir
            : (attributes & FileAttributeFlags.Device) != 0 ? 0x2000
            : UnixConstants.SIfReg;
        int permissions = type == UnixConstants.SIfDir ? (othersMayWrite ? 0x1FF : 0x1C0) : (othersMayWrite ? 0x1B6 : 0x180);
        uint owner = security.OwnerSid is not null && user.IsSelf(security.OwnerSid) ? WindowsPlatform.CurrentUserUid : WindowsPlatform.OtherUserUid;
        return new FileStatus(info.VolumeSerialNumber, info.FileIndex, type | permissions, owner, info.FileSize, info.NumberOfLinks);
    }

    /// <summary>The owner SID of an open file, for messages.</summary>
    public static string OwnerOf(SafeHandle handle, string path) =>
        WindowsSecurityDescriptor.ReadFile(handle, path).OwnerSid ?? "no owner";
}
