using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        [Flags]
        internal enum MoveFileFlags : uint
        {
            None = 0,
            ReplaceExisting = 0x1,
            CopyAllowed = 0x2,
            WriteThrough = 0x8,
        }

        /// <summary>The Flags of FILE_RENAME_INFO when used with <see cref="FileInfoByHandleClass.FileRenameInfoEx"/>.</summary>
        [Flags]
        internal enum FileRenameFlags : uint
        {
            None = 0,
            ReplaceIfExists = 0x1,
            PosixSemantics = 0x2,
        }

        /// <summary>
        /// The fixed part of FILE_RENAME_INFO: Flags (or the ReplaceIfExists BOOLEAN) at 0, the
        /// RootDirectory handle at pointer alignment, FileNameLength after it, then the UTF-16 name
        /// (offset 20 on 64-bit Windows, 12 on 32-bit).
        /// </summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct FileRenameInfoHeader
        {
            internal FileRenameFlags Flags;
            internal nint RootDirectory;
            internal uint FileNameLength;

            internal static int NameOffset => (2 * IntPtr.Size) + sizeof(uint);
        }

        [LibraryImport(Libraries.Kernel32, EntryPoint = "MoveFileExW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool MoveFileEx(string existingFileName, string newFileName, MoveFileFlags flags);

        [LibraryImport(Libraries.Kernel32, EntryPoint = "ReplaceFileW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool ReplaceFile(string replacedFileName, string replacementFileName, string? backupFileName, uint flags, nint exclude, nint reserved);

        [LibraryImport(Libraries.Kernel32, EntryPoint = "DeleteFileW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool DeleteFile(string fileName);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool SetFileInformationByHandle(SafeFileHandle file, FileInfoByHandleClass infoClass, void* info, int size);
    }
}
