using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// A job object holding a daemon's whole process tree: what a process group (and systemd's
/// KillMode=control-group) is on Unix. Children a member starts join the job; without
/// JOB_OBJECT_LIMIT_BREAKAWAY_OK none can leave it. With kill-on-close, closing the last handle
/// (including by the holder's death) ends every member.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsJob : IDisposable
{
    private WindowsJob(SafeObjectHandle handle, string? name)
    {
        Handle = handle;
        Name = name;
    }

    public SafeObjectHandle Handle { get; }
    public string? Name { get; }

    public static unsafe WindowsJob Create(string? name, bool killOnClose)
    {
        var handle = CreateJobObject(null, name);
        if (handle.IsInvalid)
        {
            var error = WindowsIOException.Last("CreateJobObjectW", name);
            handle.Dispose();
            throw error;
        }
        var job = new WindowsJob(handle, name);
        if (killOnClose)
        {
            var limits = new JobObjectExtendedLimitInformation();
            limits.BasicLimitInformation.LimitFlags = JobObjectLimitFlags.KillOnJobClose;
            if (!SetInformationJobObject(handle, JobObjectInfoClass.ExtendedLimitInformation, &limits, sizeof(JobObjectExtendedLimitInformation)))
            {
                var error = WindowsIOException.Last("SetInformationJobObject(KillOnJobClose)", name);
                job.Dispose();
                throw error;
            }
        }
        return job;
    }

    /// <summary>Opens a daemon's job by name (for stop); null when no process holds it open any more.</summary>
    public static WindowsJob? Open(string name, JobAccessRights rights = JobAccessRights.Terminate | JobAccessRights.Query)
    {
        var handle = OpenJobObject(rights, false, name);
        if (!handle.IsInvalid)
            return new WindowsJob(handle, name);
        var error = WindowsIOException.Last("OpenJobObjectW", name);
        handle.Dispose();
        if (error.NativeErrorCode == Interop.Errors.ERROR_FILE_NOT_FOUND)
            return null;
        throw error;
    }

    public void Assign(SafeObjectHandle process)
    {
        if (!AssignProcessToJobObject(Handle, process))
            throw WindowsIOException.Last("AssignProcessToJobObject", Name);
    }

    /// <summary>Ends every process in the job at once (asynchronously: wait on the processes to see them gone).</summary>
    public void Terminate(uint exitCode)
    {
        if (!TerminateJobObject(Handle, exitCode))
            throw WindowsIOException.Last("TerminateJobObject", Name);
    }

    public bool Contains(SafeObjectHandle process) => IsProcessInJob(process, Handle, out bool inJob) && inJob;

    public unsafe int ActiveProcessCount
    {
        get
        {
            JobObjectBasicAccountingInformation info;
            if (!QueryInformationJobObject(Handle, JobObjectInfoClass.BasicAccountingInformation, &info, sizeof(JobObjectBasicAccountingInformation), out _))
                throw WindowsIOException.Last("QueryInformationJobObject(BasicAccountingInformation)", Name);
            return (int)info.ActiveProcesses;
        }
    }

    /// <summary>The PIDs of the processes in the job now.</summary>
    public unsafe IReadOnlyList<int> ProcessIds()
    {
        for (int capacity = 64; ; capacity *= 4)
        {
            int size = (2 * sizeof(uint)) + (capacity * IntPtr.Size);
            byte[] buffer = new byte[size];
            fixed (byte* info = buffer)
            {
                if (!QueryInformationJobObject(Handle, JobObjectInfoClass.BasicProcessIdList, info, size, out _))
                {
                    int error = Marshal.GetLastPInvokeError();
                    if (error == Interop.Errors.ERROR_MORE_DATA && capacity < 65536)
                        continue;
                    throw new WindowsIOException(error, "QueryInformationJobObject(BasicProcessIdList)", Name);
                }
                int count = (int)((uint*)info)[1];
                var ids = new int[count];
                for (int i = 0; i < count; i++)
                    ids[i] = (int)((nuint*)(info + (2 * sizeof(uint))))[i];
                return ids;
            }
        }
    }

    public void Dispose() => Handle.Dispose();
}
