using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        /// <summary>The flags of <c>SetHandleInformation</c>.</summary>
        [Flags]
        internal enum HandleFlags : uint
        {
            None = 0,
            Inherit = 0x1,
            ProtectFromClose = 0x2,
        }

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool CloseHandle(nint handle);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool SetHandleInformation(SafeHandle handle, HandleFlags mask, HandleFlags flags);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool DuplicateHandle(
            nint sourceProcess, SafeHandle source, nint targetProcess, out nint target,
            uint desiredAccess, [MarshalAs(UnmanagedType.Bool)] bool inheritHandle, uint options);

        internal const uint DUPLICATE_SAME_ACCESS = 0x2;

        [LibraryImport(Libraries.Kernel32)]
        internal static partial nint GetCurrentProcess();

        [LibraryImport(Libraries.Kernel32)]
        internal static partial int GetCurrentProcessId();
    }
}
