using PidGuard.Platform;

namespace PidGuard;

/// <summary>Adopting the lock a parent hands off (<see cref="HandOffAsync"/>).</summary>
public sealed partial class InstanceLock
{
    /// <summary>
    /// Takes over the lock a parent is handing to this process with <see cref="HandOffAsync"/>, then
    /// writes this process's PID. On Linux and macOS the locked descriptor is inherited through
    /// <c>PIDGUARD_LOCK_FD</c>: it must name this name's lock file and hold its lock. On Windows
    /// (<c>PIDGUARD_HANDOFF</c>) this process takes the lock's two ranges in turn as the parent lets go
    /// of them, so the name is never free. The variable is removed so grandchildren do not see it.
    /// </summary>
    public static InstanceLock Adopt(string name, PidGuardOptions? options = null) => AdoptCore(name, options, Platforms.Current);

    /// <summary>True when this process was started by a parent handing its lock off (<c>PIDGUARD_LOCK_FD</c>, or <c>PIDGUARD_HANDOFF</c> on Windows).</summary>
    public static bool HasInheritedLock =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(LockFdEnvironmentVariable))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(HandoffEnvironmentVariable));

    /// <summary><see cref="Adopt"/> when a lock is being handed to this process, otherwise <see cref="Acquire"/>.</summary>
    public static InstanceLock AdoptOrAcquire(string name, PidGuardOptions? options = null) =>
        HasInheritedLock ? Adopt(name, options) : Acquire(name, options);

    /// <summary>
    /// The process that handed the lock over (<c>PIDGUARD_LOCK_FROM</c>), pinned, when it is proven to share the
    /// lock: until it sees the adoption it still holds the descriptor, and a supervisor whose program exits at
    /// once must not end it as a leftover of the daemon. Null when it is gone, not named, or not a holder.
    /// </summary>
    private static ProcessHandle? PinHandingOffProcess(IPlatform p, FileStatus lockFile)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(HandingOffPidEnvironmentVariable), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out int pid) || pid <= 1 || pid == p.CurrentProcessId)
            return null;
        var handle = p.OpenProcess(pid);
        if (handle is not null && p.HoldsLock(pid, lockFile)) // checked after pinning: the PID names that process
            return handle;
        handle?.Dispose();
        return null;
    }

    private static InstanceLock AdoptCore(string name, PidGuardOptions? options, IPlatform p)
    {
        options ??= new PidGuardOptions();
        DaemonName.Validate(name);
        if (!HasInheritedLock)
        {
            throw new PidGuardException(OperatingSystem.IsWindows()
                ? $"{HandoffEnvironmentVariable} is '{Environment.GetEnvironmentVariable(HandoffEnvironmentVariable)}': no parent is handing a lock to this process."
                : $"{LockFdEnvironmentVariable} is '{Environment.GetEnvironmentVariable(LockFdEnvironmentVariable)}': there is no inherited lock descriptor to adopt.");
        }
        string dir = PidGuard.RuntimeDirectory.Ensure(PidGuard.RuntimeDirectory.Resolve(options.RuntimeDirectory, p), p, options.Logger);
        var paths = DaemonPaths.For(name, dir);
        var state = NewState(p, name, options);
        System.Runtime.InteropServices.SafeHandle fd;
        FileStatus inherited;
        try
        {
            fd = p.AdoptLock(paths, out inherited);
        }
        catch (Exception e)
        {
            if (WithContext(e, $"Cannot adopt the lock of '{name}'") is { } wrapped)
                throw wrapped;
            throw;
        }
        var handingOff = PinHandingOffProcess(p, inherited);
        Environment.SetEnvironmentVariable(LockFdEnvironmentVariable, null);
        Environment.SetEnvironmentVariable(HandoffEnvironmentVariable, null);
        Environment.SetEnvironmentVariable(HandingOffPidEnvironmentVariable, null);
        var adopted = new InstanceLock(p, paths, fd, inherited, LockOwnership.Adopted, options, state) { _handingOff = handingOff };
        adopted.WriteFilesOrRelease(recoverStale: false);
        return adopted;
    }
}
