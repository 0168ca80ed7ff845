using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace PidGuard.Platform;

/// <summary>
/// Linux: statx (one layout on every architecture), pidfds (so a signal never reaches a process that
/// reused a PID), /proc for start tokens, lock holders, groups and sessions, and the boot id.
/// </summary>
/// <remarks>Not sealed, and its system calls virtual: the in-process tests replace single calls (tests/PidGuard.Tests/Protocol/DelegatingPlatform.cs).</remarks>
[SupportedOSPlatform("linux")]
internal unsafe class LinuxPlatform : UnixPlatform
{
    private readonly Lazy<string?> _bootId = new(ReadBootId);
    private readonly bool _statfsTypeIsInt;
    private bool _pidfdUnsupported;

    public LinuxPlatform()
        : base(UnixConstants.Linux(RuntimeInformation.ProcessArchitecture), SignalTable.Linux())
    {
        // struct statfs starts with f_type: a long everywhere except s390x, where it is an unsigned int
        // (arch/s390/include/uapi/asm/statfs.h), and s390x is big-endian.
        _statfsTypeIsInt = RuntimeInformation.ProcessArchitecture == Architecture.S390x;
    }

    public override string? BootId => _bootId.Value;

    protected override FileStatus? StatPath(string path, bool followLinks)
    {
        byte* buf = stackalloc byte[LinuxNative.StatxBufferSize];
        if (LinuxNative.Statx(LinuxNative.AtFdCwd, path, followLinks ? 0 : LinuxNative.AtSymlinkNoFollow, LinuxNative.StatxBasicStats, buf) == 0)
            return LinuxNative.ParseStatx(buf);
        int errno = Marshal.GetLastPInvokeError();
        if (errno is UnixConstants.ENoEnt or UnixConstants.ENotDir)
            return null;
        throw new UnixIOException(errno, "stat", path);
    }

    public override FileStatus FStat(SafeFd fd, string path)
    {
        byte* buf = stackalloc byte[LinuxNative.StatxBufferSize];
        if (LinuxNative.Statx(fd.Fd, "", LinuxNative.AtEmptyPath, LinuxNative.StatxBasicStats, buf) == 0)
            return LinuxNative.ParseStatx(buf);
        throw new UnixIOException(Marshal.GetLastPInvokeError(), "fstat", path);
    }

    public override ProcessHandle? OpenProcess(int pid)
    {
        if (pid <= 1)
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "PidGuard never signals a PID <= 1.");
        if (!_pidfdUnsupported)
        {
            nint fd = LinuxNative.Syscall(LinuxNative.SysPidfdOpen, pid, 0, 0, 0);
            if (fd >= 0)
                return new ProcessHandle(pid, new SafeFd((int)fd));
            int errno = Marshal.GetLastPInvokeError();
            if (errno == UnixConstants.ESrch)
                return null;
            if (errno == Constants.ENoSys || errno == UnixConstants.EPerm)
                _pidfdUnsupported = true;
            else
                throw new UnixIOException(errno, "pidfd_open", $"pid {pid}");
        }
        return base.OpenProcess(pid);
    }

    public override SignalResult SendSignal(ProcessHandle process, int signal)
    {
        if (process.PidFd is not { } pidFd)
            return Kill(process.Pid, signal);
        if (LinuxNative.Syscall(LinuxNative.SysPidfdSendSignal, pidFd.Fd, signal, 0, 0) == 0)
            return SignalResult.Delivered;
        return LastSignalError();
    }

    public override bool WaitForExit(ProcessHandle process, int timeoutMs)
    {
        if (process.PidFd is not { } pidFd)
            return base.WaitForExit(process, timeoutMs);
        var pfd = new UnixNative.PollFd { Fd = pidFd.Fd, Events = UnixNative.PollIn };
        long deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            int remaining = (int)Math.Max(0, deadline - Environment.TickCount64);
            int rc = UnixNative.Poll(&pfd, 1, remaining);
            if (rc > 0)
                return true;
            if (rc == 0)
                return false;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != UnixConstants.EIntr)
                throw new UnixIOException(errno, "poll(pidfd)", $"pid {process.Pid}");
        }
    }

    protected override bool IsZombie(int pid)
    {
        Span<byte> buf = stackalloc byte[1024];
        int n = ReadProcStat(pid, buf);
        if (n <= 0)
            return false;
        int close = buf[..n].LastIndexOf((byte)')');
        return close > 0 && close + 2 < n && buf[close + 2] == (byte)'Z';
    }

    public override string? GetStartToken(int pid)
    {
        if (pid <= 0)
            return null;
        // A zombie has exited: it is not alive, whatever its start time.
        Span<byte> buf = stackalloc byte[1024];
        int n = ReadProcStat(pid, buf);
        return n > 0 && ProcStat.Parse(buf[..n]) is { IsZombie: false } status ? status.StartToken : null;
    }

    private int ReadProcStat(int pid, Span<byte> buffer)
    {
        string path = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat");
        using var fd = TryOpen(path, OpenFlags.ReadOnly | OpenFlags.CloseOnExec, 0, out _);
        if (fd is null)
            return -1;
        try
        {
            return Read(fd, buffer, path);
        }
        catch (UnixIOException)
        {
            return -1; // ESRCH while the process is being reaped
        }
    }

    public override string? NetworkFileSystemName(string path)
    {
        byte* buf = stackalloc byte[256];
        if (LinuxNative.StatFs(path, buf) != 0)
            return null;
        long type = _statfsTypeIsInt ? *(uint*)buf : *(long*)buf & 0xFFFFFFFF;
        return type switch
        {
            LinuxNative.NfsSuperMagic => "nfs",
            LinuxNative.SmbSuperMagic => "smb",
            LinuxNative.CifsSuperMagic => "cifs",
            LinuxNative.Smb2SuperMagic => "smb2",
            LinuxNative.Afs9pMagic => "9p",
            _ => null,
        };
    }

    // siginfo_t: si_signo, si_errno, si_code, then the union (8-aligned on 64-bit) with si_pid, si_uid, si_status.
    protected override int SigInfoStatusOffset => IntPtr.Size == 8 ? 24 : 20;

    public override IReadOnlyList<int> FindLockHolders(FileStatus lockFile) => ProcScan.FlockHolders(this, lockFile);

    public override bool HoldsLock(int pid, FileStatus lockFile) => ProcScan.HoldsFlock(this, pid, lockFile);

    public override IReadOnlyList<int> ProcessGroupMembers(int processGroup) => ProcScan.GroupMembers(processGroup);

    public override IReadOnlyList<int> SessionMembers(int session) => ProcScan.SessionMembers(session);

    public override ProcessStatus? GetProcessStatus(int pid) => pid > 0 ? ProcScan.Status(pid) : null;

    public override bool CanSeeLockHolders => true;

    private static string? ReadBootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
