using PidGuard.Platform;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// The real platform with single answers replaced, to reach a branch the machine cannot produce on
/// demand (no boot id, a lock holder named by the kernel, a failing call). Everything not overridden
/// is the real system call.
/// </summary>
internal class DelegatingPlatform(IPlatform inner) : IPlatform
{
    public DelegatingPlatform() : this(Platforms.Current) { }

    public virtual UnixConstants Constants => inner.Constants;
    public virtual uint EffectiveUserId => inner.EffectiveUserId;
    public virtual int CurrentProcessId => inner.CurrentProcessId;
    public virtual SafeFd Open(string path, int flags, int mode) => inner.Open(path, flags, mode);
    public virtual SafeFd? TryOpen(string path, int flags, int mode, out int errno) => inner.TryOpen(path, flags, mode, out errno);
    public virtual bool TryLock(SafeFd fd, int operation, string path) => inner.TryLock(fd, operation, path);
    public virtual void UnlockUnshared(SafeFd fd, string path) => inner.UnlockUnshared(fd, path);
    public virtual FileStatus? LStat(string path) => inner.LStat(path);
    public virtual FileStatus? Stat(string path) => inner.Stat(path);
    public virtual FileStatus FStat(SafeFd fd, string path) => inner.FStat(fd, path);
    public virtual void SetInheritable(SafeFd fd, bool inheritable, string path) => inner.SetInheritable(fd, inheritable, path);
    public virtual int Read(SafeFd fd, Span<byte> buffer, string path) => inner.Read(fd, buffer, path);
    public virtual void WriteAll(SafeFd fd, ReadOnlySpan<byte> data, string path) => inner.WriteAll(fd, data, path);
    public virtual void FSync(SafeFd fd, string path) => inner.FSync(fd, path);
    public virtual void FChmod(SafeFd fd, int mode, string path) => inner.FChmod(fd, mode, path);
    public virtual void Chmod(string path, int mode) => inner.Chmod(path, mode);
    public virtual void Rename(string from, string to) => inner.Rename(from, to);
    public virtual bool Unlink(string path) => inner.Unlink(path);
    public virtual bool MkDir(string path, int mode) => inner.MkDir(path, mode);
    public virtual SignalResult Kill(int pid, int signal) => inner.Kill(pid, signal);
    public virtual int? GetProcessGroup(int pid) => inner.GetProcessGroup(pid);
    public virtual SignalResult KillGroup(int processGroup, int signal) => inner.KillGroup(processGroup, signal);
    public virtual ProcessHandle? OpenProcess(int pid) => inner.OpenProcess(pid);
    public virtual SignalResult SendSignal(ProcessHandle process, int signal) => inner.SendSignal(process, signal);
    public virtual bool WaitForExit(ProcessHandle process, int timeoutMs) => inner.WaitForExit(process, timeoutMs);
    public virtual string? GetStartToken(int pid) => inner.GetStartToken(pid);
    public virtual string? BootId => inner.BootId;
    public virtual string? NetworkFileSystemName(string path) => inner.NetworkFileSystemName(path);
    public virtual SignalTable Signals => inner.Signals;
    public virtual int Spawn(SpawnRequest request) => inner.Spawn(request);
    public virtual ChildExitStatus? WaitForChild(int pid, bool reap) => inner.WaitForChild(pid, reap);
    public virtual void ReapChild(int pid) => inner.ReapChild(pid);
    public virtual IReadOnlyList<int> FindLockHolders(FileStatus lockFile) => inner.FindLockHolders(lockFile);
    public virtual bool HoldsLock(int pid, FileStatus lockFile) => inner.HoldsLock(pid, lockFile);
    public virtual IReadOnlyList<int> ProcessGroupMembers(int processGroup) => inner.ProcessGroupMembers(processGroup);
    public virtual IReadOnlyList<int> SessionMembers(int session) => inner.SessionMembers(session);
    public virtual ProcessStatus? GetProcessStatus(int pid) => inner.GetProcessStatus(pid);
    public virtual bool CanSeeLockHolders => inner.CanSeeLockHolders;
    public virtual bool IsTerminal(int fd) => inner.IsTerminal(fd);
    public virtual int? ForegroundProcessGroup(int fd) => inner.ForegroundProcessGroup(fd);
    public virtual int OwnProcessGroup => inner.OwnProcessGroup;
    public virtual void SetUmask(int mask) => inner.SetUmask(mask);
}
