using System.Globalization;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>Adopting a locked descriptor inherited from a parent that handed the lock off.</summary>
public sealed partial class InstanceLock
{
    /// <summary>
    /// Adopts the locked descriptor inherited through <c>PIDGUARD_LOCK_FD</c> from a parent that
    /// called <see cref="HandOffAsync"/>: checks it names this name's lock file and holds its
    /// lock, then writes this process's PID. The variable is removed so grandchildren do not see it.
    /// </summary>
    public static InstanceLock Adopt(string name, PidGuardOptions? options = null) => AdoptCore(name, options, Platforms.Current);

    /// <summary>True when this process was started with an inherited lock descriptor to adopt.</summary>
    public static bool HasInheritedLock => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(LockFdEnvironmentVariable));

    /// <summary><see cref="Adopt"/> when a descriptor was inherited, otherwise <see cref="Acquire"/>.</summary>
    public static InstanceLock AdoptOrAcquire(string name, PidGuardOptions? options = null) =>
        HasInheritedLock ? Adopt(name, options) : Acquire(name, options);

    private static InstanceLock AdoptCore(string name, PidGuardOptions? options, IPlatform p)
    {
        options ??= new PidGuardOptions();
        DaemonName.Validate(name);
        string? text = Environment.GetEnvironmentVariable(LockFdEnvironmentVariable);
        if (string.IsNullOrEmpty(text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 0)
            throw new PidGuardException($"{LockFdEnvironmentVariable} is '{text}': there is no inherited lock descriptor to adopt.");
        string dir = PidGuard.RuntimeDirectory.Ensure(PidGuard.RuntimeDirectory.Resolve(options.RuntimeDirectory, p), p, options.Logger);
        var paths = DaemonPaths.For(name, dir);
        var state = NewState(p, name, options);
        var fd = new SafeFd(number);
        FileStatus inherited;
        try
        {
            try
            {
                inherited = p.FStat(fd, $"{LockFdEnvironmentVariable}={number}");
            }
            catch (UnixIOException e)
            {
                throw new PidGuardException($"{LockFdEnvironmentVariable}={number} is not an open file descriptor: {e.Message}", paths.LockFile, e);
            }
            if (p.LStat(paths.LockFile) is not { } onDisk || !onDisk.SameFileAs(inherited))
                throw new PidGuardException($"{LockFdEnvironmentVariable}={number} does not refer to the lock file '{paths.LockFile}'.", paths.LockFile);
            // Re-locking through the same open file description is a no-op when the parent holds it;
            // it fails only when another description holds the lock.
            if (!p.TryLock(fd, UnixConstants.LockEx, paths.LockFile))
                throw new PidGuardException($"{LockFdEnvironmentVariable}={number} does not hold the lock of '{paths.LockFile}': another process does.", paths.LockFile);
            p.SetInheritable(fd, false, paths.LockFile);
        }
        catch (Exception e)
        {
            fd.SetHandleAsInvalid(); // not ours to close: the caller may still own it
            if (WithContext(e, $"Cannot adopt the lock of '{name}'") is { } wrapped)
                throw wrapped;
            throw;
        }
        Environment.SetEnvironmentVariable(LockFdEnvironmentVariable, null);
        var adopted = new InstanceLock(p, paths, fd, inherited, LockOwnership.Adopted, options, state);
        adopted.WriteFilesOrRelease(recoverStale: false);
        return adopted;
    }
}
