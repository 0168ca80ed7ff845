using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// The single-instance lock of a daemon name: an exclusive flock(2) on <c>NAME.lock</c> held for
/// the life of the process, plus the <c>NAME.pid</c> and <c>NAME.json</c> files that let anyone
/// find and identify the holder. Disposing releases it: the pid and state files are removed (only
/// if they are still the ones this process wrote) and the lock is dropped. If the process dies
/// instead, the kernel drops the lock and the next acquire recovers the stale files.
/// </summary>
public sealed partial class InstanceLock : IDisposable, IAsyncDisposable
{
    /// <summary>The environment variable through which a child inherits the locked descriptor.</summary>
    public const string LockFdEnvironmentVariable = "PIDGUARD_LOCK_FD";

    /// <summary>The environment variable holding the daemon name for a child that adopts the lock.</summary>
    public const string NameEnvironmentVariable = "PIDGUARD_NAME";

    private const int PublicFileMode = 0x1A4; // 0644

    private readonly IPlatform _platform;
    private readonly PidGuardOptions _options;
    private readonly object _sync = new();
    private readonly CancellationTokenSource _lost = new();
    private SafeFd? _fd;
    private FileStatus? _pidFileWritten;
    private FileStatus? _stateFileWritten;
    private DaemonStateRecord _state;

    private InstanceLock(IPlatform platform, DaemonPaths paths, SafeFd fd, LockOwnership ownership, PidGuardOptions options)
    {
        _platform = platform;
        Paths = paths;
        _fd = fd;
        Ownership = ownership;
        _options = options;
        ProcessId = platform.CurrentProcessId;
        _state = NewState(platform, paths.Name, options);
    }

    /// <summary>The daemon name.</summary>
    public string Name => Paths.Name;

    /// <summary>The daemon's files.</summary>
    public DaemonPaths Paths { get; }

    /// <summary>The runtime directory.</summary>
    public string RuntimeDirectory => Paths.Directory;

    /// <summary><c>NAME.pid</c>.</summary>
    public string PidFilePath => Paths.PidFile;

    /// <summary><c>NAME.lock</c>.</summary>
    public string LockFilePath => Paths.LockFile;

    /// <summary><c>NAME.json</c>.</summary>
    public string StateFilePath => Paths.StateFile;

    /// <summary>The PID written to the pid file (this process).</summary>
    public int ProcessId { get; }

    /// <summary>Who is responsible for the files.</summary>
    public LockOwnership Ownership { get; private set; }

    /// <summary>True once released (disposed or handed off).</summary>
    public bool IsReleased { get { lock (_sync) return _fd is null; } }

    /// <summary>
    /// Fires when <see cref="CheckIntegrity"/> finds the pid file removed or replaced under the
    /// daemon (by an admin or another tool). The flock itself cannot be lost.
    /// </summary>
    public CancellationToken PidFileLost => _lost.Token;

    /// <summary>A copy of the state record as last written.</summary>
    public DaemonStateRecord State { get { lock (_sync) return _state.Clone(); } }

    /// <summary>
    /// Takes the lock for <paramref name="name"/>, or throws <see cref="AlreadyRunningException"/>
    /// (message <c>Daemon already running (PID: N)</c>) when another process holds it.
    /// Stale files left by a crashed holder are recovered with a warning.
    /// </summary>
    public static InstanceLock Acquire(string name, PidGuardOptions? options = null)
    {
        var (held, owner, paths) = TryAcquireCore(name, options, Platforms.Current);
        return held ?? throw new AlreadyRunningException(name, owner, paths.LockFile);
    }

    /// <summary>Takes the lock if it is free; otherwise returns false with the owner's PID when known.</summary>
    public static bool TryAcquire(string name, [NotNullWhen(true)] out InstanceLock? instanceLock, out int? ownerPid, PidGuardOptions? options = null)
    {
        (instanceLock, ownerPid, _) = TryAcquireCore(name, options, Platforms.Current);
        return instanceLock is not null;
    }

    /// <summary>Takes the lock if it is free; otherwise returns false.</summary>
    public static bool TryAcquire(string name, [NotNullWhen(true)] out InstanceLock? instanceLock, PidGuardOptions? options = null) =>
        TryAcquire(name, out instanceLock, out _, options);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the lock, retrying with backoff (1 ms doubling
    /// to 50 ms), then throws <see cref="AlreadyRunningException"/>. <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    public static async Task<InstanceLock> AcquireAsync(string name, TimeSpan timeout, PidGuardOptions? options = null, CancellationToken cancellationToken = default)
    {
        var p = Platforms.Current;
        var quick = (options ?? new PidGuardOptions()).Clone();
        quick.OwnerWaitWindow = TimeSpan.Zero;
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        int delay = Backoff.FirstDelayMs;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool last = Environment.TickCount64 >= deadline;
            var (held, owner, paths) = TryAcquireCore(name, last ? options : quick, p);
            if (held is not null)
                return held;
            if (last)
                throw new AlreadyRunningException(name, owner, paths.LockFile);
            long remaining = deadline - Environment.TickCount64;
            await Task.Delay((int)Math.Clamp(remaining, 1, delay), cancellationToken).ConfigureAwait(false);
            delay = Backoff.Next(delay);
        }
    }

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

    private static (InstanceLock? Lock, int? Owner, DaemonPaths Paths) TryAcquireCore(string name, PidGuardOptions? options, IPlatform p)
    {
        options ??= new PidGuardOptions();
        DaemonName.Validate(name);
        string dir = PidGuard.RuntimeDirectory.Ensure(PidGuard.RuntimeDirectory.Resolve(options.RuntimeDirectory, p), p, options.Logger);
        var paths = DaemonPaths.For(name, dir);
        long deadline = Environment.TickCount64 + (long)options.OwnerWaitWindow.TotalMilliseconds;
        int delay = Backoff.FirstDelayMs;
        while (true)
        {
            var fd = LockFile.TryLockExclusive(p, paths.LockFile);
            if (fd is not null)
            {
                var won = new InstanceLock(p, paths, fd, LockOwnership.WriteOwner, options);
                won.WriteFilesOrRelease(recoverStale: true);
                if (options.Logger is { } log)
                    Log.Acquired(log, name, won.ProcessId, paths.LockFile);
                return (won, null, paths);
            }
            // Held. A proven owner is reported at once; otherwise the holder may be between lock and
            // write, or a status probe may hold a shared lock for a few microseconds: retry both.
            var owner = OwnerInfo.Read(p, paths);
            if (owner.IsProven)
                return (null, owner.Pid, paths);
            long remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
                return (null, owner.Pid is { } pid && ProcessIdentity.IsAlive(pid, p) ? pid : null, paths);
            Thread.Sleep((int)Math.Min(delay, remaining));
            delay = Backoff.Next(delay);
        }
    }

    private static InstanceLock AdoptCore(string name, PidGuardOptions? options, IPlatform p)
    {
        options ??= new PidGuardOptions();
        DaemonName.Validate(name);
        string? text = Environment.GetEnvironmentVariable(LockFdEnvironmentVariable);
        if (string.IsNullOrEmpty(text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 0)
            throw new InvalidOperationException($"{LockFdEnvironmentVariable} is '{text}': there is no inherited lock descriptor to adopt.");
        string dir = PidGuard.RuntimeDirectory.Ensure(PidGuard.RuntimeDirectory.Resolve(options.RuntimeDirectory, p), p, options.Logger);
        var paths = DaemonPaths.For(name, dir);
        var fd = new SafeFd(number);
        try
        {
            FileStatus inherited;
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
        catch
        {
            fd.SetHandleAsInvalid(); // not ours to close: the caller may still own it
            throw;
        }
        Environment.SetEnvironmentVariable(LockFdEnvironmentVariable, null);
        var adopted = new InstanceLock(p, paths, fd, LockOwnership.Adopted, options);
        adopted.WriteFilesOrRelease(recoverStale: false);
        return adopted;
    }

    private static DaemonStateRecord NewState(IPlatform p, string name, PidGuardOptions options)
    {
        int pid = p.CurrentProcessId;
        return new DaemonStateRecord
        {
            Name = name,
            Pid = pid,
            StartToken = p.GetStartToken(pid),
            BootId = p.BootId,
            StartedAt = DateTimeOffset.UtcNow,
            HeartbeatIntervalMs = options.HeartbeatInterval is { } hb ? (long)hb.TotalMilliseconds : null,
            HeartbeatAt = options.HeartbeatInterval is null ? null : DateTimeOffset.UtcNow,
            CommandLine = options.CommandLine ?? Environment.GetCommandLineArgs(),
            WorkingDirectory = Environment.CurrentDirectory,
            Host = Environment.MachineName,
        };
    }

    private void WriteFilesOrRelease(bool recoverStale)
    {
        try
        {
            if (recoverStale && _options.Logger is { } log)
            {
                var stale = PidGuard.PidFile.Read(Paths.PidFile, _platform);
                if (stale.Kind != PidFileKind.Missing && stale.Pid != ProcessId)
                    Log.StaleRecovered(log, Name, stale.Pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown", Paths.PidFile);
            }
            // State first: a reader that finds the pid file can always prove it with the state file.
            WriteState();
            byte[] pidText = Encoding.ASCII.GetBytes(ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            _pidFileWritten = AtomicFile.Write(_platform, Paths.PidFile, Paths.PidTempFile, pidText, PublicFileMode, _options.SyncWrites);
        }
        catch (Exception e)
        {
            // Never leave a held lock without files behind an exception.
            lock (_sync)
            {
                RemoveIfOurs(Paths.StateFile, _stateFileWritten);
                _fd?.Dispose();
                _fd = null;
            }
            if (e is UnixIOException io)
                throw new PidGuardException($"Cannot write the files of '{Name}' in '{Paths.Directory}': {io.Message}", io.FilePath, io);
            throw;
        }
    }

    private void WriteState()
    {
        byte[] json = StateFile.Serialize(_state);
        _stateFileWritten = AtomicFile.Write(_platform, Paths.StateFile, Paths.StateTempFile, json, PublicFileMode, _options.SyncWrites);
    }

    /// <summary>Changes the state record and rewrites <c>NAME.json</c> atomically.</summary>
    public void UpdateState(Action<DaemonStateRecord> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_sync)
        {
            ThrowIfNotWriter();
            var next = _state.Clone();
            update(next);
            next.Name = Name;
            next.Pid = ProcessId;
            var previous = _state;
            _state = next;
            try
            {
                WriteState();
            }
            catch
            {
                _state = previous;
                throw;
            }
        }
    }

    /// <summary>Records a heartbeat (now) and optionally a status line, then checks the files are intact.</summary>
    public void Heartbeat(string? status = null)
    {
        UpdateState(s =>
        {
            s.HeartbeatAt = DateTimeOffset.UtcNow;
            if (status is not null)
                s.Status = status;
        });
        CheckIntegrity();
    }

    /// <summary>
    /// True while <c>NAME.pid</c> is still the file this process wrote. When it was removed or
    /// replaced, logs a warning, fires <see cref="PidFileLost"/> and returns false.
    /// </summary>
    public bool CheckIntegrity()
    {
        FileStatus? written;
        lock (_sync)
        {
            if (_fd is null || Ownership == LockOwnership.Handoff)
                return true;
            written = _pidFileWritten;
        }
        if (written is { } w && _platform.LStat(Paths.PidFile) is { } now && now.SameFileAs(w))
            return true;
        if (!_lost.IsCancellationRequested)
        {
            if (_options.Logger is { } log)
                Log.PidFileLost(log, Paths.PidFile, Name);
            _lost.Cancel();
        }
        return false;
    }

    /// <summary>
    /// Starts <paramref name="startInfo"/> with the locked descriptor inherited (its number in
    /// <c>PIDGUARD_LOCK_FD</c>, with <c>PIDGUARD_NAME</c> and <c>PIDGUARD_RUNTIME_DIR</c>), waits
    /// until the child (or a descendant) has adopted the lock and written its PID, then closes this
    /// process's descriptor WITHOUT unlocking (<see cref="LockOwnership.Handoff"/>). Returns the
    /// new owner's PID. If the child exits or the timeout passes first, throws and this process
    /// keeps the lock as <see cref="LockOwnership.WriteOwner"/>.
    /// </summary>
    public async Task<int> HandOffAsync(ProcessStartInfo startInfo, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        Process child;
        lock (_sync)
        {
            ThrowIfNotWriter();
            startInfo.Environment[LockFdEnvironmentVariable] = _fd!.Fd.ToString(CultureInfo.InvariantCulture);
            startInfo.Environment[NameEnvironmentVariable] = Name;
            startInfo.Environment[PidGuard.RuntimeDirectory.EnvironmentVariable] = Paths.Directory;
            child = SpawnInheritingLock(startInfo);
        }
        using (child)
        {
            int owner = await WaitForAdoptionAsync(child, timeout, cancellationToken).ConfigureAwait(false);
            HandOff();
            if (_options.Logger is { } log)
                Log.HandedOff(log, Name, owner);
            return owner;
        }
    }

    private static readonly object s_spawnGate = new();

    /// <summary>
    /// Starts <paramref name="startInfo"/> with the locked descriptor inherited, while this process
    /// keeps the lock too: the lock stays held until both have exited, so a supervised child that
    /// outlives its supervisor (SIGKILL) still keeps a second instance out. The descriptor number
    /// is not advertised to the child.
    /// </summary>
    public Process StartProcessSharingLock(ProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        lock (_sync)
        {
            ThrowIfNotWriter();
            startInfo.Environment.Remove(LockFdEnvironmentVariable);
            return SpawnInheritingLock(startInfo);
        }
    }

    private Process SpawnInheritingLock(ProcessStartInfo startInfo)
    {
        lock (s_spawnGate)
        {
            // FD_CLOEXEC is per descriptor: clearing it only for the spawn keeps it out of any later child.
            _platform.SetInheritable(_fd!, true, Paths.LockFile);
            try
            {
                return Process.Start(startInfo) ?? throw new InvalidOperationException("Process.Start returned no process.");
            }
            finally
            {
                _platform.SetInheritable(_fd!, false, Paths.LockFile);
            }
        }
    }

    /// <summary>
    /// Releases the lock but leaves <c>NAME.pid</c> and <c>NAME.json</c> in place as the record of
    /// how the daemon ended: the status probe then reports it Stale (LSB 1, "dead with a pid file")
    /// with the last state written. The next acquire or stop cleans them.
    /// </summary>
    public void ReleaseKeepingFiles() => Release(removeFiles: false);

    private async Task<int> WaitForAdoptionAsync(Process child, TimeSpan timeout, CancellationToken ct)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        int delay = Backoff.FirstDelayMs;
        long exitedAt = 0;
        while (true)
        {
            var owner = OwnerInfo.Read(_platform, Paths);
            if (owner.IsProven && owner.Pid != ProcessId)
                return owner.Pid!.Value;
            if (child.HasExited)
            {
                // A double-forking child may exit just after its descendant adopted: one short grace.
                if (exitedAt == 0)
                    exitedAt = Environment.TickCount64;
                else if (Environment.TickCount64 - exitedAt > 200)
                    throw new PidGuardException($"The child (PID {child.Id}) of '{Name}' exited with code {child.ExitCode} before it adopted the lock.", Paths.LockFile);
            }
            if (Environment.TickCount64 >= deadline)
                throw new TimeoutException($"The child (PID {child.Id}) of '{Name}' did not adopt the lock within {timeout.TotalSeconds:0.###} s.");
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = Backoff.Next(delay);
        }
    }

    /// <summary>
    /// Marks the lock as handed off to a process that inherited the descriptor and closes this
    /// process's descriptor without <c>LOCK_UN</c> (which would release the child's lock too)
    /// and without touching the pid or state files, which now belong to the adopter.
    /// </summary>
    public void HandOff()
    {
        lock (_sync)
        {
            ThrowIfNotWriter();
            Ownership = LockOwnership.Handoff;
            _fd!.Dispose();
            _fd = null;
        }
    }

    /// <summary>
    /// Releases the lock: removes <c>NAME.pid</c> and <c>NAME.json</c> if they are still the files
    /// this process wrote, then unlocks and closes. <c>NAME.lock</c> is never removed. Idempotent.
    /// </summary>
    public void Dispose() => Release(removeFiles: true);

    private void Release(bool removeFiles)
    {
        lock (_sync)
        {
            if (_fd is null)
                return;
            try
            {
                if (Ownership != LockOwnership.Handoff)
                {
                    if (removeFiles)
                    {
                        RemoveIfOurs(Paths.PidFile, _pidFileWritten);
                        RemoveIfOurs(Paths.StateFile, _stateFileWritten);
                    }
                    _platform.Unlock(_fd, Paths.LockFile);
                }
            }
            catch (IOException e)
            {
                if (_options.Logger is { } log)
                    Log.ReleaseFailed(log, e, Name);
            }
            finally
            {
                _fd.Dispose();
                _fd = null;
                _lost.Dispose();
            }
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void RemoveIfOurs(string path, FileStatus? written)
    {
        if (written is not { } w)
            return;
        if (_platform.LStat(path) is { } now && now.SameFileAs(w))
            _platform.Unlink(path);
        else if (_options.Logger is { } log && File.Exists(path))
            Log.NotOurs(log, path);
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
