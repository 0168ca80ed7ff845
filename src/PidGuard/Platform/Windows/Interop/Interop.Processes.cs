using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        [Flags]
        internal enum ProcessAccessRights : uint
        {
            None = 0,
            Terminate = 0x0001,
            QueryLimitedInformation = 0x1000,
            Synchronize = 0x0010_0000,
        }

        /// <summary>What GetExitCodeProcess reports while the process runs.</summary>
        internal const uint STILL_ACTIVE = 259;

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        internal static partial SafeObjectHandle OpenProcess(ProcessAccessRights desiredAccess, [MarshalAs(UnmanagedType.Bool)] bool inheritHandle, int processId);

        /// <summary>Creation, exit, kernel and user times as FILETIMEs (100 ns since 1601-01-01 UTC).</summary>
        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool GetProcessTimes(SafeObjectHandle process, out long creationTime, out long exitTime, out long kernelTime, out long userTime);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool GetExitCodeProcess(SafeObjectHandle process, out uint exitCode);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool TerminateProcess(SafeObjectHandle process, uint exitCode);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        internal static partial int GetProcessId(SafeObjectHandle process);
    }
}
