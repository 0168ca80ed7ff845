using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>Spawning, waiting for and finding the processes of a daemon.</summary>
internal sealed unsafe partial class UnixPlatform
{
    public int Spawn(SpawnRequest request)
    {
        string? pathVariable = null;
        foreach (string entry in request.Environment)
        {
            if (entry.StartsWith("PATH=", StringComparison.Ordinal))
                pathVariable = entry[5..];
        }
        string executable = ExecutableSearch.Find(this, request.Program, pathVariable, request.WorkingDirectory ?? Environment.CurrentDirectory)
            ?? throw new ProgramNotFoundException(request.Program);
        return PosixSpawner.Spawn(this, executable, request);
    }

    public ChildExitStatus? WaitForChild(int pid, bool reap)
    {
        byte* info = stackalloc byte[128];
        int options = UnixConstants.WExited | (reap ? 0 : Constants.WNoWait);
        while (true)
        {
            new Span<byte>(info, 128).Clear();
            if (SpawnNative.WaitId(SpawnNative.PPid, pid, info, options) == 0)
                break;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == UnixConstants.EIntr)
                continue;
            if (errno == UnixConstants.ECHild)
                return null; // not our child, or already reaped by someone else
            throw new UnixIOException(errno, "waitid", $"pid {pid}");
        }
        // siginfo_t: si_code after signo and errno; si_status after si_pid and si_uid in the SIGCHLD part of the union.
        int code = *(int*)(info + 8);
        int statusOffset = _linux ? (IntPtr.Size == 8 ? 24 : 20) : 20;
        int status = *(int*)(info + statusOffset);
        return code == UnixConstants.CldExited ? new ChildExitStatus(status, null) : new ChildExitStatus(null, status);
    }

    public void ReapChild(int pid)
    {
        int status;
        while (SpawnNative.WaitPid(pid, &status, 0) < 0 && Marshal.GetLastPInvokeError() == UnixConstants.EIntr)
        {
        }
    }

    public IReadOnlyList<int> FindLockHolders(FileStatus lockFile) =>
        _linux ? ProcScan.FlockHolders(this, lockFile) : [];

    public bool HoldsLock(int pid, FileStatus lockFile) => _linux && ProcScan.HoldsFlock(this, pid, lockFile);

    public IReadOnlyList<int> ProcessGroupMembers(int processGroup) =>
        _linux ? ProcScan.GroupMembers(processGroup) : [];

    public IReadOnlyList<int> SessionMembers(int session) =>
        _linux ? ProcScan.SessionMembers(session) : [];

    public ProcessStatus? GetProcessStatus(int pid) => _linux && pid > 0 ? ProcScan.Status(pid) : null;

    public bool CanSeeLockHolders => _linux;

    public bool IsTerminal(int fd) => SpawnNative.IsATty(fd) == 1;

    public int? ForegroundProcessGroup(int fd)
    {
        int pgrp = SpawnNative.TcGetPGrp(fd);
        return pgrp > 0 ? pgrp : null;
    }

    public int OwnProcessGroup => SpawnNative.GetPGrp();

    public void SetUmask(int mask) => SpawnNative.Umask(mask);
}
