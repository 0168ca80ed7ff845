using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        /// <summary>Frees memory a Win32 call LocalAlloc'ed for the caller; returns 0 on success.</summary>
        [LibraryImport(Libraries.Kernel32)]
        internal static partial nint LocalFree(nint memory);
    }
}
