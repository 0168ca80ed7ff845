using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// What a supervisor (a holder acquired with <see cref="PidGuardOptions.Supervising"/>) records about the
/// program it runs, and how it ends what the program leaves behind.
/// </summary>
public sealed partial class InstanceLock
{
    /// <summary>
    /// Records <paramref name="program"/> (started with <see cref="StartProcess"/>) as the daemon's
    /// main process: the state file names it with its start-time token, then the pid file does.
    /// Throws <see cref="PidGuardException"/> when a file cannot be written.
    /// </summary>
    public void RecordMainProcess(DaemonProcess program)
    {
        ArgumentNullException.ThrowIfNull(program);
        lock (_sync)
        {
            ThrowIfSupervisorLocked();
            var next = _state.Clone();
            next.Pid = program.Id;
            next.StartToken = program.StartToken;
            next.StartedAt = DateTimeOffset.UtcNow;
            next.Phase = SupervisorPhase.Running;
            next.NextRestartAt = null;
            next.Ready = null;
            CommitState(next);
            try
            {
                WritePidFile(program.Id);
            }
            catch (Exception e)
            {
                if (WithContext(e, $"Cannot write the pid file of '{Name}'") is { } wrapped)
                    throw wrapped;
                throw;
            }
        }
    }

    /// <summary>
    /// Records that the program ended: the pid file is removed (it would name a dead, reusable PID),
    /// and the state names the supervisor again, with <paramref name="exit"/>, the next
    /// <paramref name="phase"/> (<see cref="SupervisorPhase"/>) and when a restart is due. The state
    /// changes in memory even when a file cannot be written (then this throws <see cref="PidGuardException"/>).
    /// </summary>
    public void RecordMainExit(ExitRecord exit, string phase, DateTimeOffset? nextRestartAt = null)
    {
        ArgumentNullException.ThrowIfNull(exit);
        ArgumentException.ThrowIfNullOrEmpty(phase);
        lock (_sync)
        {
            ThrowIfSupervisorLocked();
            var supervisor = _state.Supervisor!;
            PidGuardException? notRemoved = null;
            try
            {
                RemoveIfOurs(Paths.PidFile, _pidFileWritten);
            }
            catch (PidGuardException e)
            {
                notRemoved = e; // the state is still worth recording
            }
            finally
            {
                _pidFileWritten = null;
                _pidFileWrites++;
            }
            var next = _state.Clone();
            next.Pid = supervisor.Pid;
            next.StartToken = supervisor.StartToken;
            next.Phase = phase;
            next.LastExit = exit;
            next.NextRestartAt = nextRestartAt;
            next.Ready = null;
            _state = next;
            try
            {
                WriteState();
            }
            catch (Exception e)
            {
                if (WithContext(e, $"Cannot write the state file of '{Name}'") is { } wrapped)
                    throw wrapped;
                throw;
            }
            if (notRemoved is not null)
                throw WithContext(notRemoved, $"Cannot remove the pid file of '{Name}'") ?? notRemoved;
        }
    }

    /// <summary>
    /// Ends what <paramref name="program"/> left behind when its main process exited, like systemd's
    /// KillMode=control-group: its process group (while the program is not reaped, so the group id
    /// cannot have been reused) and every other process holding this lock (proven by the kernel's
    /// record of the lock, Linux) get TERM, then KILL after <paramref name="grace"/>. Returns how many
    /// there were. Call it before <see cref="DaemonProcess.Reap"/>. The process that handed this lock over
    /// (<see cref="HandOffAsync"/>) is not the daemon's, even while it still shares the lock.
    /// </summary>
    public Task<int> EndLeftoversAsync(DaemonProcess program, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        ProcessHandle? handingOff;
        lock (_sync)
            handingOff = _handingOff;
        return LeftoverProcesses.EndAsync(_platform, program, _lockFile, grace, cancellationToken, handingOff);
    }

    private void ThrowIfSupervisorLocked()
    {
        ThrowIfNotWriter();
        if (_state.Supervisor is null)
            throw new InvalidOperationException($"The lock of '{Name}' was not taken as a supervisor (PidGuardOptions.Supervising).");
    }
}
