using Microsoft.Extensions.Logging;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>The state file's updates (status, heartbeat) and the pid file's integrity check.</summary>
public sealed partial class InstanceLock
{
    /// <summary>A status line longer than this is cut, so that no status can grow the state file without bound.</summary>
    public const int MaxStatusLength = 4096;

    /// <summary>
    /// Changes the state record and rewrites <c>NAME.json</c> atomically. The name, the PID and the
    /// supervisor cannot be changed this way. Throws <see cref="PidGuardException"/> when the file
    /// cannot be written (the record then keeps its previous content).
    /// </summary>
    public void UpdateState(Action<DaemonStateRecord> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_sync)
        {
            ThrowIfNotWriter();
            var next = _state.Clone();
            update(next);
            next.Name = _state.Name;
            next.Pid = _state.Pid;
            next.StartToken = _state.StartToken;
            next.Supervisor = _state.Supervisor;
            next.LockFile = _state.LockFile;
            if (next.Status is { Length: > MaxStatusLength } status)
                next.Status = status[..MaxStatusLength];
            CommitState(next);
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

    /// <summary>Writes <paramref name="next"/> as the state; on failure the previous state stays current. Call under <c>_sync</c>.</summary>
    private void CommitState(DaemonStateRecord next)
    {
        var previous = _state;
        _state = next;
        try
        {
            WriteState();
        }
        catch (Exception e)
        {
            _state = previous;
            if (WithContext(e, $"Cannot write the state file of '{Name}'") is { } wrapped)
                throw wrapped;
            throw;
        }
    }

    /// <summary>
    /// True while <c>NAME.pid</c> is still the file this process wrote (or, for a supervisor whose
    /// program is between runs, while there should be none). When it was removed or replaced, logs a
    /// warning, fires <see cref="PidFileLost"/> and returns false.
    /// </summary>
    public bool CheckIntegrity()
    {
        CheckLockFile();
        FileStatus? written;
        long writes;
        lock (_sync)
        {
            if (_fd is null || Ownership == LockOwnership.Handoff || _pidFileWritten is null)
                return true;
            written = _pidFileWritten;
            writes = _pidFileWrites;
        }
        if (_platform.LStat(Paths.PidFile) is { } now && now.SameFileAs(written.Value))
            return true;
        lock (_sync)
        {
            // Race: a concurrent Dispose or a rewrite of the pid file by this holder while we looked:
            // nothing was lost. (The token source is never disposed, so Cancel cannot throw either.)
            // Counted, not compared: two rewrites can leave a file with the inode of the one we captured.
            if (_fd is null || _pidFileWrites != writes)
                return true;
            if (_lost.IsCancellationRequested)
                return false; // already reported
        }
        if (_options.Logger is { } log)
            Log.PidFileLost(log, Paths.PidFile, Name);
        _lost.Cancel();
        return false;
    }

    private bool _lockFileLossLogged;

    /// <summary>Logs once when the lock file at the path is no longer the one this holder locked.</summary>
    private void CheckLockFile()
    {
        lock (_sync)
        {
            if (_fd is null || Ownership == LockOwnership.Handoff || _lockFileLossLogged)
                return;
        }
        if (_platform.LStat(Paths.LockFile) is { } now && now.SameFileAs(_lockFile))
            return;
        lock (_sync)
        {
            if (_fd is null || _lockFileLossLogged)
                return;
            _lockFileLossLogged = true;
        }
        if (_options.Logger is { } log)
            Log.LockFileLost(log, Paths.LockFile, Name);
    }
}
