using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        [Flags]
        internal enum FileAttributeFlags : uint
        {
            None = 0,
            ReadOnly = 0x1,
            Hidden = 0x2,
            System = 0x4,
            Directory = 0x10,
            Archive = 0x20,
            Device = 0x40,
            Normal = 0x80,
            ReparsePoint = 0x400,
        }

        internal const uint INVALID_FILE_ATTRIBUTES = 0xFFFF_FFFF;

        /// <summary>FILE_INFO_BY_HANDLE_CLASS values PidGuard uses.</summary>
        internal enum FileInfoByHandleClass
        {
            FileRenameInfo = 3,
            FileAttributeTagInfo = 9,
            FileRenameInfoEx = 22,
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct FileAttributeTagInfo
        {
            internal FileAttributeFlags FileAttributes;
            internal uint ReparseTag;
        }

        [LibraryImport(Libraries.Kernel32, EntryPoint = "GetFileAttributesW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        internal static partial uint GetFileAttributes(string fileName);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool GetFileInformationByHandleEx(SafeFileHandle file, FileInfoByHandleClass infoClass, void* info, int size);

        [LibraryImport(Libraries.Kernel32, EntryPoint = "CreateDirectoryW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool CreateDirectory(string path, SecurityAttributes* securityAttributes);
    }
}
