using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        /// <summary>Access rights of <c>CreateFileW</c> (generic and the standard rights PidGuard asks for).</summary>
        [Flags]
        internal enum FileAccessRights : uint
        {
            None = 0,
            FileAppendData = 0x0004,
            FileReadAttributes = 0x0080,
            Delete = 0x0001_0000,
            ReadControl = 0x0002_0000,
            Synchronize = 0x0010_0000,
            GenericWrite = 0x4000_0000,
            GenericRead = 0x8000_0000,
        }

        [Flags]
        internal enum FileShareMode : uint
        {
            None = 0,
            Read = 0x1,
            Write = 0x2,
            Delete = 0x4,
            All = Read | Write | Delete,
        }

        internal enum CreationDisposition : uint
        {
            CreateNew = 1,
            CreateAlways = 2,
            OpenExisting = 3,
            OpenAlways = 4,
            TruncateExisting = 5,
        }

        [Flags]
        internal enum FileFlagsAndAttributes : uint
        {
            None = 0,
            AttributeNormal = 0x0000_0080,
            FlagOpenReparsePoint = 0x0020_0000,
            FlagBackupSemantics = 0x0200_0000,
            FlagWriteThrough = 0x8000_0000,
        }

        /// <summary>BY_HANDLE_FILE_INFORMATION: FILETIMEs are two DWORDs, so the layout is 4-byte packed (52 bytes).</summary>
        [StructLayout(LayoutKind.Sequential, Pack = 4)]
        internal struct ByHandleFileInformation
        {
            internal uint FileAttributes;
            internal long CreationTime;
            internal long LastAccessTime;
            internal long LastWriteTime;
            internal uint VolumeSerialNumber;
            internal uint FileSizeHigh;
            internal uint FileSizeLow;
            internal uint NumberOfLinks;
            internal uint FileIndexHigh;
            internal uint FileIndexLow;

            internal readonly ulong FileIndex => ((ulong)FileIndexHigh << 32) | FileIndexLow;
            internal readonly long FileSize => (long)(((ulong)FileSizeHigh << 32) | FileSizeLow);
        }

        [LibraryImport(Libraries.Kernel32, EntryPoint = "CreateFileW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        internal static unsafe partial SafeFileHandle CreateFile(
            string fileName, FileAccessRights desiredAccess, FileShareMode shareMode, SecurityAttributes* securityAttributes,
            CreationDisposition creationDisposition, FileFlagsAndAttributes flagsAndAttributes, nint templateFile);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool ReadFile(SafeFileHandle file, byte* buffer, int count, out int read, NativeOverlapped* overlapped);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool WriteFile(SafeFileHandle file, byte* buffer, int count, out int written, NativeOverlapped* overlapped);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool FlushFileBuffers(SafeFileHandle file);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool GetFileInformationByHandle(SafeFileHandle file, out ByHandleFileInformation information);
    }
}
