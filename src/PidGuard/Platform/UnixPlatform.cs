using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace PidGuard.Platform;

/// <summary>The Linux and macOS implementation of <see cref="IPlatform"/>.</summary>
internal sealed unsafe partial class UnixPlatform : IPlatform
{
    private readonly bool _linux;
    private readonly bool _appleArm64;
    private readonly Lazy<string?> _bootId;
    private bool _pidfdUnsupported;

    public UnixPlatform()
    {
        LibcResolver.EnsureRegistered();
        _linux = OperatingSystem.IsLinux();
        var arch = RuntimeInformation.ProcessArchitecture;
        _appleArm64 = !_linux && arch == Architecture.Arm64;
        Constants = _linux ? UnixConstants.Linux(arch) : UnixConstants.MacOS();
        Signals = _linux ? SignalTable.Linux() : SignalTable.MacOS();
        _bootId = new Lazy<string?>(ReadBootId);
        EffectiveUserId = UnixNative.GetEUid();
        CurrentProcessId = UnixNative.GetPid();
    }

    public UnixConstants Constants { get; }
    public SignalTable Signals { get; }
    public uint EffectiveUserId { get; }
    public int CurrentProcessId { get; }
    public string? BootId => _bootId.Value;

    public SafeFd Open(string path, int flags, int mode) =>
        TryOpen(path, flags, mode, out int errno) ?? throw new UnixIOException(errno, "open", path);

    public SafeFd? TryOpen(string path, int flags, int mode, out int errno)
    {
        while (true)
        {
            int fd = _appleArm64
                ? UnixNative.OpenAppleArm64(path, flags, 0, 0, 0, 0, 0, 0, mode)
                : UnixNative.Open(path, flags, mode);
            if (fd >= 0)
            {
                errno = 0;
                return new SafeFd(fd);
            }
            errno = Marshal.GetLastPInvokeError();
            if (errno != UnixConstants.EIntr)
                return null;
        }
    }

    public bool TryLock(SafeFd fd, int operation, string path)
    {
        while (true)
        {
            if (UnixNative.Flock(fd.Fd, operation | UnixConstants.LockNb) == 0)
                return true;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Constants.EAgain)
                return false;
            if (errno != UnixConstants.EIntr)
                throw new UnixIOException(errno, "flock", path);
        }
    }

    public void UnlockUnshared(SafeFd fd, string path)
    {
        if (UnixNative.Flock(fd.Fd, UnixConstants.LockUn) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "flock(LOCK_UN)", path);
    }

    public FileStatus? LStat(string path) => StatPath(path, followLinks: false);

    public FileStatus? Stat(string path) => StatPath(path, followLinks: true);

    private FileStatus? StatPath(string path, bool followLinks)
    {
        if (_linux)
        {
            byte* buf = stackalloc byte[LinuxNative.StatxBufferSize];
            if (LinuxNative.Statx(LinuxNative.AtFdCwd, path, followLinks ? 0 : LinuxNative.AtSymlinkNoFollow, LinuxNative.StatxBasicStats, buf) == 0)
                return LinuxNative.ParseStatx(buf);
        }
        else
        {
            byte* buf = stackalloc byte[MacNative.StatBufferSize];
            int rc = followLinks
                ? (_appleArm64 ? MacNative.StatArm64(path, buf) : MacNative.StatX64(path, buf))
                : (_appleArm64 ? MacNative.LStatArm64(path, buf) : MacNative.LStatX64(path, buf));
            if (rc == 0)
                return MacNative.ParseStat(buf);
        }
        int errno = Marshal.GetLastPInvokeError();
        if (errno is UnixConstants.ENoEnt or UnixConstants.ENotDir)
            return null;
        throw new UnixIOException(errno, "stat", path);
    }

    public FileStatus FStat(SafeFd fd, string path)
    {
        int rc;
        if (_linux)
        {
            byte* buf = stackalloc byte[LinuxNative.StatxBufferSize];
            rc = LinuxNative.Statx(fd.Fd, "", LinuxNative.AtEmptyPath, LinuxNative.StatxBasicStats, buf);
            if (rc == 0)
                return LinuxNative.ParseStatx(buf);
        }
        else
        {
            byte* buf = stackalloc byte[MacNative.StatBufferSize];
            rc = _appleArm64 ? MacNative.FStatArm64(fd.Fd, buf) : MacNative.FStatX64(fd.Fd, buf);
            if (rc == 0)
                return MacNative.ParseStat(buf);
        }
        throw new UnixIOException(Marshal.GetLastPInvokeError(), "fstat", path);
    }

    public void SetInheritable(SafeFd fd, bool inheritable, string path)
    {
        if (UnixNative.Ioctl(fd.Fd, (nuint)(inheritable ? Constants.FioNClex : Constants.FioClex)) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), inheritable ? "ioctl(FIONCLEX)" : "ioctl(FIOCLEX)", path);
    }

    public int Read(SafeFd fd, Span<byte> buffer, string path)
    {
        fixed (byte* p = buffer)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                nint n = UnixNative.Read(fd.Fd, p + total, buffer.Length - total);
                if (n == 0)
                    break;
                if (n > 0)
                {
                    total += (int)n;
                    continue;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno != UnixConstants.EIntr)
                    throw new UnixIOException(errno, "read", path);
            }
            return total;
        }
    }

    public void WriteAll(SafeFd fd, ReadOnlySpan<byte> data, string path)
    {
        fixed (byte* start = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = UnixNative.Write(fd.Fd, start + done, data.Length - done);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == UnixConstants.EIntr)
                        continue;
                    throw new UnixIOException(errno, "write", path);
                }
                done += (int)n;
            }
        }
    }

    public void FSync(SafeFd fd, string path)
    {
        if (UnixNative.FSync(fd.Fd) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "fsync", path);
    }

    public void FChmod(SafeFd fd, int mode, string path)
    {
        if (UnixNative.FChmod(fd.Fd, mode) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "fchmod", path);
    }

    public void Chmod(string path, int mode)
    {
        if (UnixNative.Chmod(path, mode) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "chmod", path);
    }

    public void Rename(string from, string to)
    {
        if (UnixNative.Rename(from, to) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "rename", $"{from}' -> '{to}");
    }

    public bool Unlink(string path)
    {
        if (UnixNative.Unlink(path) == 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == UnixConstants.ENoEnt)
            return false;
        throw new UnixIOException(errno, "unlink", path);
    }

    public bool MkDir(string path, int mode)
    {
        if (UnixNative.MkDir(path, mode) == 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == UnixConstants.EExist)
            return false;
        throw new UnixIOException(errno, "mkdir", path);
    }

    public SignalResult Kill(int pid, int signal)
    {
        // The single place a signal is sent by PID: refuse the broadcast and group forms outright.
        if (pid <= 1)
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "PidGuard never signals a PID <= 1.");
        if (UnixNative.Kill(pid, signal) == 0)
            return SignalResult.Delivered;
        return LastSignalError();
    }

    private static SignalResult LastSignalError() => Marshal.GetLastPInvokeError() switch
    {
        UnixConstants.ESrch => SignalResult.NoSuchProcess,
        UnixConstants.EPerm => SignalResult.PermissionDenied,
        _ => SignalResult.Failed,
    };

    public int? GetProcessGroup(int pid)
    {
        int pgid = UnixNative.GetPgid(pid);
        return pgid < 0 ? null : pgid;
    }

    public SignalResult KillGroup(int processGroup, int signal)
    {
        if (processGroup <= 1)
            throw new ArgumentOutOfRangeException(nameof(processGroup), processGroup, "PidGuard never signals process group <= 1.");
        if (UnixNative.Kill(-processGroup, signal) == 0)
            return SignalResult.Delivered;
        return LastSignalError();
    }

    public ProcessHandle? OpenProcess(int pid)
    {
        if (pid <= 1)
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "PidGuard never signals a PID <= 1.");
        if (_linux && !_pidfdUnsupported)
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
        return Kill(pid, 0) == SignalResult.NoSuchProcess ? null : new ProcessHandle(pid, null);
    }

    public SignalResult SendSignal(ProcessHandle process, int signal)
    {
        if (process.PidFd is null)
            return Kill(process.Pid, signal);
        if (LinuxNative.Syscall(LinuxNative.SysPidfdSendSignal, process.PidFd.Fd, signal, 0, 0) == 0)
            return SignalResult.Delivered;
        return LastSignalError();
    }

    public bool WaitForExit(ProcessHandle process, int timeoutMs)
    {
        if (process.PidFd is { } pidFd)
        {
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
        return Backoff.WaitUntil(() => Kill(process.Pid, 0) == SignalResult.NoSuchProcess || IsZombie(process.Pid), timeoutMs);
    }

    private bool IsZombie(int pid)
    {
        if (!_linux)
            return false;
        Span<byte> buf = stackalloc byte[1024];
        int n = ReadProcStat(pid, buf);
        if (n <= 0)
            return false;
        int close = buf[..n].LastIndexOf((byte)')');
        return close > 0 && close + 2 < n && buf[close + 2] == (byte)'Z';
    }

    public string? GetStartToken(int pid)
    {
        if (pid <= 0)
            return null;
        if (_linux)
        {
            // A zombie has exited: it is not alive, whatever its start time.
            Span<byte> buf = stackalloc byte[1024];
            int n = ReadProcStat(pid, buf);
            return n > 0 && ProcStat.Parse(buf[..n]) is { IsZombie: false } status ? status.StartToken : null;
        }
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private int ReadProcStat(int pid, Span<byte> buffer)
    {
        string path = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat");
        using var fd = TryOpen(path, Constants.ORdOnly | Constants.OCloExec, 0, out _);
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

    public string? NetworkFileSystemName(string path)
    {
        if (_linux)
        {
            byte* buf = stackalloc byte[256];
            if (LinuxNative.StatFs(path, buf) != 0)
                return null;
            long type = *(long*)buf & 0xFFFFFFFF;
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
        byte* mac = stackalloc byte[MacNative.StatFsBufferSize];
        int rc = _appleArm64 ? MacNative.StatFsArm64(path, mac) : MacNative.StatFsX64(path, mac);
        if (rc != 0)
            return null;
        var name = new ReadOnlySpan<byte>(mac + 72, 16);
        int end = name.IndexOf((byte)0);
        string fs = Encoding.ASCII.GetString(end < 0 ? name : name[..end]);
        return fs is "nfs" or "smbfs" or "afpfs" or "webdav" ? fs : null;
    }

    private string? ReadBootId()
    {
        if (!_linux)
            return null;
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
