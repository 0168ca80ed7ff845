using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        [Flags]
        internal enum JobAccessRights : uint
        {
            None = 0,
            AssignProcess = 0x1,
            SetAttributes = 0x2,
            Query = 0x4,
            Terminate = 0x8,
        }

        internal enum JobObjectInfoClass
        {
            BasicAccountingInformation = 1,
            BasicProcessIdList = 3,
            ExtendedLimitInformation = 9,
        }

        [Flags]
        internal enum JobObjectLimitFlags : uint
        {
            None = 0,
            BreakawayOk = 0x0800,
            SilentBreakawayOk = 0x1000,
            KillOnJobClose = 0x2000,
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct JobObjectBasicLimitInformation
        {
            internal long PerProcessUserTimeLimit;
            internal long PerJobUserTimeLimit;
            internal JobObjectLimitFlags LimitFlags;
            internal nuint MinimumWorkingSetSize;
            internal nuint MaximumWorkingSetSize;
            internal uint ActiveProcessLimit;
            internal nuint Affinity;
            internal uint PriorityClass;
            internal uint SchedulingClass;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct IoCounters
        {
            internal ulong ReadOperationCount;
            internal ulong WriteOperationCount;
            internal ulong OtherOperationCount;
            internal ulong ReadTransferCount;
            internal ulong WriteTransferCount;
            internal ulong OtherTransferCount;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct JobObjectExtendedLimitInformation
        {
            internal JobObjectBasicLimitInformation BasicLimitInformation;
            internal IoCounters IoInfo;
            internal nuint ProcessMemoryLimit;
            internal nuint JobMemoryLimit;
            internal nuint PeakProcessMemoryUsed;
            internal nuint PeakJobMemoryUsed;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct JobObjectBasicAccountingInformation
        {
            internal long TotalUserTime;
            internal long TotalKernelTime;
            internal long ThisPeriodTotalUserTime;
            internal long ThisPeriodTotalKernelTime;
            internal uint TotalPageFaultCount;
            internal uint TotalProcesses;
            internal uint ActiveProcesses;
            internal uint TotalTerminatedProcesses;
        }

        [LibraryImport(Libraries.Kernel32, EntryPoint = "CreateJobObjectW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        internal static unsafe partial SafeObjectHandle CreateJobObject(SecurityAttributes* securityAttributes, string? name);

        [LibraryImport(Libraries.Kernel32, EntryPoint = "OpenJobObjectW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        internal static partial SafeObjectHandle OpenJobObject(JobAccessRights desiredAccess, [MarshalAs(UnmanagedType.Bool)] bool inheritHandle, string name);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool AssignProcessToJobObject(SafeObjectHandle job, SafeObjectHandle process);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool TerminateJobObject(SafeObjectHandle job, uint exitCode);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool SetInformationJobObject(SafeObjectHandle job, JobObjectInfoClass infoClass, void* info, int length);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool QueryInformationJobObject(SafeObjectHandle job, JobObjectInfoClass infoClass, void* info, int length, out int returnLength);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool IsProcessInJob(SafeObjectHandle process, SafeObjectHandle job, [MarshalAs(UnmanagedType.Bool)] out bool result);

        /// <summary>IsProcessInJob with a NULL job: whether the process is in any job at all.</summary>
        [LibraryImport(Libraries.Kernel32, EntryPoint = "IsProcessInJob", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool IsProcessInAnyJob(SafeObjectHandle process, nint noJob, [MarshalAs(UnmanagedType.Bool)] out bool result);
    }
}
