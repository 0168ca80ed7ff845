using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// The single-instance lock of a daemon name: an exclusive lock on <c>NAME.lock</c> held for the
/// life of the daemon (flock(2) on Linux and macOS; LockFileEx on two byte ranges on Windows), plus
/// the <c>NAME.pid</c> and <c>NAME.json</c> files that let anyone find and identify it. Disposing
/// releases it: the pid and state files are removed (only if they are still the ones this process
/// wrote) and this process's handle is closed. On Unix a lock shared with a child is never unlocked
/// with LOCK_UN: the kernel drops it when the last process holding it (this one, or a child that
/// inherited it) closes it or dies. On Windows a lock is its taker's alone and ends with it, and the
/// programs it started end with it too (they run in a job that is killed when its holder lets go).
/// If the daemon dies instead of releasing, the next acquire recovers the stale files.
/// </summary>
public sealed partial class InstanceLock : IDisposable, IAsyncDisposable
{
    /// <summary>The environment variable through which a child inherits the locked descriptor (Linux and macOS).</summary>
    public const string LockFdEnvironmentVariable = "PIDGUARD_LOCK_FD";

    /// <summary>
    /// The environment variable that tells a child a parent is handing its lock to it (Windows, where a
    /// lock cannot be inherited: <see cref="Adopt"/> takes the lock's ranges as the parent lets go). Its
    /// value is the parent's PID.
    /// </summary>
    public const string HandoffEnvironmentVariable = "PIDGUARD_HANDOFF";

    /// <summary>
    /// The PID of the process handing its locked descriptor to a child (Linux and macOS). It shares the lock
    /// until it sees the adoption and closes its descriptor: the adopter never takes it for a process of the daemon.
    /// </summary>
    internal const string HandingOffPidEnvironmentVariable = "PIDGUARD_LOCK_FROM";

    /// <summary>The environment variable holding the daemon name for a child that adopts the lock.</summary>
    public const string NameEnvironmentVariable = "PIDGUARD_NAME";

    /// <summary>Set in a supervised program's environment (by <c>pidguard run</c> / <c>start</c>): the PID of its supervisor.</summary>
    public const string SupervisorPidEnvironmentVariable = "PIDGUARD_SUPERVISOR_PID";

    private readonly IPlatform _platform;
    private readonly PidGuardOptions _options;
    private readonly object _sync = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly FileStatus _lockFile;
    private readonly IHolderObjects _holder;
    private SafeHandle? _fd;
    private SafeHandle? _directoryPin;
    private bool _shared; // a process was started with this lock: never LOCK_UN it
    private FileStatus? _pidFileWritten;
    private long _pidFileWrites; // changes with every (re)write or removal: a FileStatus can repeat, as the filesystem reuses inodes
    private FileStatus? _stateFileWritten;
    private DaemonStateRecord _state;
    private ProcessHandle? _handingOff; // the process that handed this adopted lock over, pinned while it may still share it

    private InstanceLock(IPlatform platform, DaemonPaths paths, SafeHandle fd, FileStatus lockFile, LockOwnership ownership, PidGuardOptions options, DaemonStateRecord state)
    {
        _platform = platform;
        Paths = paths;
        _fd = fd;
        _lockFile = lockFile;
        Ownership = ownership;
        _options = options;
        state.LockFile = new FileIdentity { Device = lockFile.Device, Inode = lockFile.Inode };
        _state = state;
        _directoryPin = platform.PinDirectory(paths.Directory);
        _holder = OpenHolderObjects(platform, paths, fd);
    }

    /// <summary>Opens what the platform keeps for a holder; on failure the lock handle is closed, as nothing owns it yet.</summary>
    private IHolderObjects OpenHolderObjects(IPlatform platform, DaemonPaths paths, SafeHandle fd)
    {
        try
        {
            return platform.OpenHolderObjects(paths);
        }
        catch
        {
            _directoryPin?.Dispose();
            fd.Dispose();
            throw;
        }
    }

    /// <summary>The daemon name.</summary>
    public string Name => Paths.Name;

    /// <summary>The daemon's files.</summary>
    public DaemonPaths Paths { get; }

    /// <summary>
    /// The daemon's main process: this process, or, once a supervisor recorded the program it
    /// started (<see cref="RecordMainProcess"/>), that program. It is the PID in the pid file.
    /// </summary>
    /// <remarks>To find the holder of a lock this process did not get: <see cref="DaemonProbe.GetStatus(string, PidGuardOptions?)"/>.</remarks>
    public int ProcessId { get { lock (_sync) return _state.Pid; } }

    /// <summary>The identity (device, inode) of the locked file.</summary>
    internal FileStatus LockFileStatus => _lockFile;

    /// <summary>Who is responsible for the files.</summary>
    public LockOwnership Ownership { get; private set; }

    /// <summary>True once released (disposed or handed off).</summary>
    public bool IsReleased { get { lock (_sync) return _fd is null; } }

    /// <summary>
    /// Fires when <see cref="CheckIntegrity"/> finds the pid file removed or replaced under the
    /// daemon (by an admin or another tool). The flock itself cannot be lost.
    /// </summary>
    public CancellationToken PidFileLost => _lost.Token;

    /// <summary>
    /// Fires when a stop (<see cref="DaemonStopper.StopAsync(string, StopSchedule?, StopTarget, PidGuardOptions?, CancellationToken)"/>,
    /// from any process) asks this daemon to stop. Windows
    /// has no SIGTERM: the stopper sets the daemon's named stop event, which this token watches; stop
    /// gracefully when it fires (PidGuard.Hosting calls StopApplication). On Linux and macOS the stop
    /// request is SIGTERM and this token never fires.
    /// </summary>
    [SupportedOSPlatform("windows")]
    public CancellationToken StopRequested => _holder.StopRequested;

    /// <summary>A copy of the state record as last written.</summary>
    public DaemonStateRecord State { get { lock (_sync) return _state.Clone(); } }

    /// <summary>
    /// Releases the lock but leaves <c>NAME.pid</c> and <c>NAME.json</c> in place as the record of
    /// how the daemon ended: the status probe then reports it Stale (LSB 1, "dead with a pid file")
    /// with the last state written. The next acquire or stop cleans them.
    /// </summary>
    public void ReleaseKeepingFiles() => Release(removeFiles: false);

    /// <summary>
    /// Releases the lock: removes <c>NAME.pid</c> and <c>NAME.json</c> if they are still the files
    /// this process wrote, then closes this process's descriptor. <c>NAME.lock</c> is never removed.
    /// Idempotent.
    /// </summary>
    public void Dispose() => Release(removeFiles: true);

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Release(bool removeFiles)
    {
        lock (_sync)
        {
            if (_fd is null)
                return;
            try
            {
                if (Ownership != LockOwnership.Handoff && removeFiles)
                {
                    RemoveIfOurs(Paths.PidFile, _pidFileWritten);
                    RemoveIfOurs(Paths.StateFile, _stateFileWritten);
                }
            }
            catch (PidGuardException e)
            {
                if (_options.Logger is { } log)
                    Log.ReleaseFailed(log, e, Name);
            }
            finally
            {
                // A lock this process shared with a child is never LOCK_UN'd: the child would lose it while it
                // runs; closing drops it only when no holder is left. One never shared is unlocked before the
                // close, so that a copy another thread's fork holds until its exec cannot keep it a moment longer.
                if (!_shared && Ownership == LockOwnership.WriteOwner)
                    TryUnlockUnshared();
                CloseDescriptors();
                // _lost is not disposed: a concurrent CheckIntegrity may still be deciding, and a token
                // source without timers holds nothing that needs disposing.
            }
        }
    }

    /// <summary>
    /// Closes this process's lock handle, its pin of the runtime directory and the platform's holder
    /// objects (on Windows the daemon's job: what still runs in it ends). Call under <c>_sync</c>.
    /// </summary>
    private void CloseDescriptors()
    {
        _fd?.Dispose();
        _fd = null;
        _directoryPin?.Dispose();
        _directoryPin = null;
        _handingOff?.Dispose();
        _handingOff = null;
        _holder.Dispose();
    }

    private void TryUnlockUnshared()
    {
        try
        {
            _platform.UnlockUnshared(_fd!, Paths.LockFile);
        }
        catch (PidGuardException)
        {
            // closing releases it anyway
        }
    }

    private void ThrowIfNotWriter()
    {
        ObjectDisposedException.ThrowIf(_fd is null, this);
        if (Ownership == LockOwnership.Handoff)
            throw new InvalidOperationException($"The lock of '{Name}' was handed off.");
    }

    /// <inheritdoc/>
    public override string ToString() => $"InstanceLock({Name}, PID {ProcessId}, {Ownership})";
}
