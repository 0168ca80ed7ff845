using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        internal const int STD_INPUT_HANDLE = -10;
        internal const int STD_OUTPUT_HANDLE = -11;
        internal const int STD_ERROR_HANDLE = -12;

        /// <summary>This process's standard handle (not owned: do not close it); 0 or -1 when there is none.</summary>
        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        internal static partial nint GetStdHandle(int stdHandle);

        /// <summary>Succeeds only for a console handle: how a terminal is told from a file or pipe.</summary>
        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool GetConsoleMode(nint handle, out uint mode);
    }
}
