using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// What Linux and macOS share: libc calls with the same signatures on both, descriptors
/// (<see cref="SafeFd"/>), flock, signals by number. <see cref="LinuxPlatform"/> and
/// <see cref="MacPlatform"/> add what differs: stat layouts, pidfds, /proc, start tokens.
/// </summary>
internal abstract unsafe partial class UnixPlatform : IPlatform
{
    protected UnixPlatform(UnixConstants constants, SignalTable signals)
    {
        LibcResolver.EnsureRegistered();
        Constants = constants;
        Signals = signals;
        EffectiveUserId = UnixNative.GetEUid();
        CurrentProcessId = UnixNative.GetPid();
    }

    public UnixConstants Constants { get; }
    public SignalTable Signals { get; }
    public virtual uint EffectiveUserId { get; }
    public int CurrentProcessId { get; }
    public abstract string? BootId { get; }

    /// <summary>open(2); throws <see cref="UnixIOException"/> on failure.</summary>
    public virtual SafeFd Open(string path, OpenFlags flags, int mode) =>
        OpenRetryingEintr(path, flags, mode, out int errno) ?? throw new UnixIOException(errno, "open", path);

    /// <summary>open(2) returning the errno instead of throwing.</summary>
    public virtual SafeFd? TryOpen(string path, OpenFlags flags, int mode, out int errno) => OpenRetryingEintr(path, flags, mode, out errno);

    // Not through TryOpen: a test that replaces both Open and TryOpen must see one call per open.
    private SafeFd? OpenRetryingEintr(string path, OpenFlags flags, int mode, out int errno)
    {
        int native = Constants.Open.ToNative(flags);
        while (true)
        {
            int fd = OpenNative(path, native, mode);
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

    /// <summary>The open(2) call itself (variadic: macOS on arm64 passes the mode differently).</summary>
    protected virtual int OpenNative(string path, int flags, int mode) => UnixNative.Open(path, flags, mode);

    /// <summary>flock(op | LOCK_NB); false when another open file description holds a conflicting lock.</summary>
    public virtual bool TryLock(SafeFd fd, int operation, string path)
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

    public void UnlockUnshared(SafeHandle lockFile, string path)
    {
        if (UnixNative.Flock(Fd(lockFile).Fd, UnixConstants.LockUn) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "flock(LOCK_UN)", path);
    }

    /// <summary>A lock or pin handle of this platform: always a descriptor.</summary>
    protected static SafeFd Fd(SafeHandle handle) =>
        handle as SafeFd ?? throw new ArgumentException($"A Unix platform handle is a SafeFd, not a {handle.GetType().Name}.", nameof(handle));

    public virtual FileStatus? LStat(string path) => StatPath(path, followLinks: false);

    /// <summary>stat(2), following symbolic links; null when the path does not exist.</summary>
    public virtual FileStatus? Stat(string path) => StatPath(path, followLinks: true);

    /// <summary>lstat(2) or stat(2); null when the path (or a directory on the way) does not exist.</summary>
    protected abstract FileStatus? StatPath(string path, bool followLinks);

    public abstract FileStatus FStat(SafeFd fd, string path);

    public virtual void SetInheritable(SafeFd fd, bool inheritable, string path)
    {
        if (UnixNative.Ioctl(fd.Fd, (nuint)(inheritable ? Constants.FioNClex : Constants.FioClex)) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), inheritable ? "ioctl(FIONCLEX)" : "ioctl(FIOCLEX)", path);
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or end of file; returns the bytes read.</summary>
    public virtual int Read(SafeFd fd, Span<byte> buffer, string path)
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

    public virtual void WriteAll(SafeFd fd, ReadOnlySpan<byte> data, string path)
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

    public virtual void FSync(SafeFd fd, string path)
    {
        if (UnixNative.FSync(fd.Fd) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "fsync", path);
    }

    public virtual void FChmod(SafeFd fd, int mode, string path)
    {
        if (UnixNative.FChmod(fd.Fd, mode) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "fchmod", path);
    }

    public virtual void Chmod(string path, int mode)
    {
        if (UnixNative.Chmod(path, mode) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "chmod", path);
    }

    public virtual void Rename(string from, string to)
    {
        if (UnixNative.Rename(from, to) != 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "rename", $"{from}' -> '{to}");
    }

    public virtual bool Unlink(string path)
    {
        if (UnixNative.Unlink(path) == 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == UnixConstants.ENoEnt)
            return false;
        throw new UnixIOException(errno, "unlink", path);
    }

    /// <summary>mkdir(2); false when the path already existed.</summary>
    public virtual bool MkDir(string path, int mode)
    {
        if (UnixNative.MkDir(path, mode) == 0)
            return true;
        int errno = Marshal.GetLastPInvokeError();
        if (errno == UnixConstants.EExist)
            return false;
        throw new UnixIOException(errno, "mkdir", path);
    }

    public abstract string? NetworkFileSystemName(string path);

    public virtual SignalResult Kill(int pid, int signal)
    {
        // The single place a signal is sent by PID: refuse the broadcast and group forms outright.
        if (pid <= 1)
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "PidGuard never signals a PID <= 1.");
        if (UnixNative.Kill(pid, signal) == 0)
            return SignalResult.Delivered;
        return LastSignalError();
    }

    protected static SignalResult LastSignalError() => Marshal.GetLastPInvokeError() switch
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

    /// <summary>Pins a process for signalling; here by PID only (<see cref="LinuxPlatform"/> opens a pidfd).</summary>
    public virtual ProcessHandle? OpenProcess(int pid)
    {
        if (pid <= 1)
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "PidGuard never signals a PID <= 1.");
        return Kill(pid, 0) == SignalResult.NoSuchProcess ? null : new ProcessHandle(pid, null);
    }

    public virtual SignalResult SendSignal(ProcessHandle process, int signal) => Kill(process.Pid, signal);

    public SignalResult SignalMainProcess(DaemonStatus status, ProcessHandle main, int signal, StopTarget target)
    {
        bool group = target == StopTarget.ProcessGroup && GetProcessGroup(main.Pid) == main.Pid;
        return group ? KillGroup(main.Pid, signal) : SendSignal(main, signal);
    }

    /// <summary>Every signal of the table has a meaning here.</summary>
    public string? SignalRefusal(int signal) => null;

    public virtual bool WaitForExit(ProcessHandle process, int timeoutMs) =>
        Backoff.WaitUntil(() => Kill(process.Pid, 0) == SignalResult.NoSuchProcess || IsZombie(process.Pid), timeoutMs);

    /// <summary>True when <paramref name="pid"/> has exited but not been reaped (where the platform can tell).</summary>
    protected virtual bool IsZombie(int pid) => false;

    public abstract string? GetStartToken(int pid);

    public IDaemonTarget PinDaemon(DaemonStatus status) => DaemonTarget.Pin(this, status);

    /// <summary>SIGTERM is the stop request on Unix: a holder keeps nothing else.</summary>
    public IHolderObjects OpenHolderObjects(DaemonPaths paths) => NoHolderObjects.Instance;

    public string? FindProgram(string program, string? pathVariable, string baseDirectory) =>
        ExecutableSearch.Find(this, program, pathVariable, baseDirectory);
}
