using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        [Flags]
        internal enum ProcessCreationFlags : uint
        {
            None = 0,
            DebugProcess = 0x1,
            CreateSuspended = 0x4,
            DetachedProcess = 0x8,
            CreateNewConsole = 0x10,
            CreateNewProcessGroup = 0x200,
            CreateUnicodeEnvironment = 0x400,
            ExtendedStartupInfoPresent = 0x0008_0000,
            CreateBreakawayFromJob = 0x0100_0000,
            CreateNoWindow = 0x0800_0000,
        }

        internal const int STARTF_USESTDHANDLES = 0x100;

        /// <summary>PROC_THREAD_ATTRIBUTE_HANDLE_LIST: exactly these inheritable handles reach the child.</summary>
        internal const nint PROC_THREAD_ATTRIBUTE_HANDLE_LIST = 0x0002_0002;

        /// <summary>PROC_THREAD_ATTRIBUTE_JOB_LIST (Windows 10): the child starts inside these jobs.</summary>
        internal const nint PROC_THREAD_ATTRIBUTE_JOB_LIST = 0x0002_000D;

        [StructLayout(LayoutKind.Sequential)]
        internal struct StartupInfo
        {
            internal int cb;
            internal nint lpReserved;
            internal nint lpDesktop;
            internal nint lpTitle;
            internal int dwX;
            internal int dwY;
            internal int dwXSize;
            internal int dwYSize;
            internal int dwXCountChars;
            internal int dwYCountChars;
            internal int dwFillAttribute;
            internal int dwFlags;
            internal short wShowWindow;
            internal short cbReserved2;
            internal nint lpReserved2;
            internal nint hStdInput;
            internal nint hStdOutput;
            internal nint hStdError;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct StartupInfoEx
        {
            internal StartupInfo StartupInfo;
            internal nint lpAttributeList;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct ProcessInformation
        {
            internal nint hProcess;
            internal nint hThread;
            internal int dwProcessId;
            internal int dwThreadId;
        }

        [LibraryImport(Libraries.Kernel32, EntryPoint = "CreateProcessW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool CreateProcess(
            string? applicationName, char* commandLine, nint processAttributes, nint threadAttributes,
            [MarshalAs(UnmanagedType.Bool)] bool inheritHandles, ProcessCreationFlags creationFlags,
            char* environment, string? currentDirectory, StartupInfoEx* startupInfo, out ProcessInformation processInformation);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool InitializeProcThreadAttributeList(nint attributeList, int attributeCount, int flags, ref nint size);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool UpdateProcThreadAttribute(
            nint attributeList, uint flags, nint attribute, void* value, nint size, nint previousValue, nint returnSize);

        [LibraryImport(Libraries.Kernel32)]
        internal static partial void DeleteProcThreadAttributeList(nint attributeList);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        internal static partial uint ResumeThread(nint thread);
    }
}
