using System.Globalization;
using System.Text;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>Writing and removing the pid and state files of the held lock.</summary>
public sealed partial class InstanceLock
{
    /// <summary>
    /// The state a new holder writes. Built before the lock is taken, so nothing that can fail
    /// (a deleted working directory, say) runs while a locked descriptor is not yet owned by an object.
    /// </summary>
    private static DaemonStateRecord NewState(IPlatform p, string name, PidGuardOptions options)
    {
        int pid = p.CurrentProcessId;
        string? token = p.GetStartToken(pid);
        var now = DateTimeOffset.UtcNow;
        return new DaemonStateRecord
        {
            Name = name,
            Pid = pid,
            StartToken = token,
            BootId = p.BootId,
            StartedAt = now,
            HeartbeatIntervalMs = options.HeartbeatInterval is { } hb ? (long)hb.TotalMilliseconds : null,
            HeartbeatAt = options.HeartbeatInterval is null ? null : now,
            CommandLine = options.CommandLine ?? Environment.GetCommandLineArgs(),
            WorkingDirectory = CurrentDirectoryOrNull(),
            Host = Environment.MachineName,
            Supervisor = options.Supervising ? new ProcessRecord { Pid = pid, StartToken = token, StartedAt = now } : null,
            Phase = options.Supervising ? SupervisorPhase.Starting : null,
        };
    }

    private static string? CurrentDirectoryOrNull()
    {
        try
        {
            return Environment.CurrentDirectory;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // the directory was deleted under us: the daemon can still run
        }
    }

    /// <summary>
    /// Writes the state file, then the pid file (so a reader that finds the pid file can always prove
    /// it). A supervisor writes no pid file until its program runs: it removes its predecessor's.
    /// On any failure nothing stays held and no half-written file remains.
    /// </summary>
    private void WriteFilesOrRelease(bool recoverStale)
    {
        try
        {
            if (recoverStale && _options.Logger is { } log)
            {
                var stale = PidGuard.PidFile.Read(Paths.PidFile, _platform);
                if (stale.Kind != PidFileKind.Missing && stale.Pid != _state.Pid)
                    Log.StaleRecovered(log, Name, stale.Pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown", Paths.PidFile);
            }
            WriteState();
            if (_options.Supervising)
                RemoveOwnRegularFile(Paths.PidFile);
            else
                WritePidFile(_state.Pid);
        }
        catch (Exception e)
        {
            lock (_sync)
            {
                TryRemoveIfOurs(Paths.StateFile, _stateFileWritten);
                CloseDescriptors();
            }
            if (WithContext(e, $"Cannot write the files of '{Name}' in '{Paths.Directory}'") is { } wrapped)
                throw wrapped;
            throw;
        }
    }

    private void WriteState()
    {
        byte[] json = StateFile.Serialize(_state, Paths.StateFile);
        _stateFileWritten = _platform.WriteAtomically(Paths.StateFile, Paths.StateTempFile, json, _options.SyncWrites);
    }

    private void WritePidFile(int pid)
    {
        byte[] text = Encoding.ASCII.GetBytes(pid.ToString(CultureInfo.InvariantCulture) + "\n");
        _pidFileWritten = _platform.WriteAtomically(Paths.PidFile, Paths.PidTempFile, text, _options.SyncWrites);
        _pidFileWrites++;
    }

    /// <summary>Removes a file of the daemon that this holder did not write (its predecessor's), if it is a regular file of ours.</summary>
    private void RemoveOwnRegularFile(string path)
    {
        if (_platform.LStat(path) is { IsRegularFile: true } st && st.OwnerUid == _platform.EffectiveUserId)
            _platform.Unlink(path);
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

    private void TryRemoveIfOurs(string path, FileStatus? written)
    {
        try
        {
            RemoveIfOurs(path, written);
        }
        catch (PidGuardException)
        {
            // the original failure is the one worth reporting
        }
    }

    /// <summary>
    /// A system call's failure, or .NET's I/O failure, with what PidGuard was doing put in front; null
    /// when <paramref name="e"/> already says it (another <see cref="PidGuardException"/>) or is not an I/O failure.
    /// </summary>
    private static PidGuardException? WithContext(Exception e, string what) => e switch
    {
        SystemCallException io => new PidGuardException($"{what}: {io.Message}", io.FilePath, io),
        PidGuardException => null,
        IOException or UnauthorizedAccessException => new PidGuardException($"{what}: {e.Message}", null, e),
        _ => null,
    };
}
