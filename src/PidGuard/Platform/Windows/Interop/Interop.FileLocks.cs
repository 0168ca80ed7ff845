using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        [Flags]
        internal enum LockFileFlags : uint
        {
            Shared = 0,
            FailImmediately = 0x1,
            ExclusiveLock = 0x2,
        }

        /// <summary>
        /// Byte-range locks belong to the handle's file object *and* the process that took them:
        /// a child that inherits the handle does not hold them, and they end with the process.
        /// </summary>
        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool LockFileEx(
            SafeFileHandle file, LockFileFlags flags, uint reserved, uint bytesLow, uint bytesHigh, NativeOverlapped* overlapped);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool UnlockFileEx(
            SafeFileHandle file, uint reserved, uint bytesLow, uint bytesHigh, NativeOverlapped* overlapped);
    }
}
