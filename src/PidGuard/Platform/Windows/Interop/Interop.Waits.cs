using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        internal const uint WAIT_OBJECT_0 = 0;
        internal const uint WAIT_ABANDONED = 0x80;
        internal const uint WAIT_TIMEOUT = 0x102;
        internal const uint WAIT_FAILED = 0xFFFFFFFF;
        internal const uint INFINITE = 0xFFFFFFFF;

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        internal static partial uint WaitForSingleObject(SafeHandle handle, uint milliseconds);
    }
}
