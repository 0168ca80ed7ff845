using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        internal enum ConsoleCtrlEvent : uint
        {
            /// <summary>CTRL+C: cannot be limited to one process group, and is disabled in a new group.</summary>
            CtrlC = 0,

            /// <summary>CTRL+BREAK: can target one process group (a process started with CREATE_NEW_PROCESS_GROUP).</summary>
            CtrlBreak = 1,
        }

        internal const int ATTACH_PARENT_PROCESS = -1;

        /// <summary>Both processes must share a console; the group id is the PID of the group's leader.</summary>
        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool GenerateConsoleCtrlEvent(ConsoleCtrlEvent ctrlEvent, int processGroupId);

        /// <summary>With a NULL handler, <paramref name="add"/> = true makes this process ignore CTRL+C.</summary>
        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool SetConsoleCtrlHandler(nint handler, [MarshalAs(UnmanagedType.Bool)] bool add);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool AttachConsole(int processId);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool FreeConsole();

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        internal static unsafe partial int GetConsoleProcessList(int* processIds, int count);
    }
}
