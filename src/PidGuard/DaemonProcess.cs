using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// A program this process started (with the daemon's lock passed on). Its exit is observed without
/// reaping it, so until <see cref="Reap"/> its PID, and the process group it leads, cannot be reused:
/// signals sent through this object can only reach the program and its group.
/// </summary>
public sealed class DaemonProcess : IDisposable
{
    private readonly IPlatform _platform;
    private readonly object _gate = new();
    private readonly TaskCompletionSource<ExitRecord> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _reaped;
    private bool _reapOnExit;

    private DaemonProcess(IPlatform platform, int pid, bool leadsGroup)
    {
        _platform = platform;
        Id = pid;
        LeadsProcessGroup = leadsGroup;
        StartToken = platform.GetStartToken(pid);
    }

    /// <summary>The PID.</summary>
    public int Id { get; }

    /// <summary>The kernel start-time token of the program (its identity beyond the PID).</summary>
    public string? StartToken { get; }

    /// <summary>True when the program leads its own process group (and session), whose id is <see cref="Id"/>.</summary>
    public bool LeadsProcessGroup { get; }

    /// <summary>Completes when the program has exited (it is not reaped yet).</summary>
    public Task<ExitRecord> Exited => _exited.Task;

    /// <summary>True once the program has exited.</summary>
    public bool HasExited => _exited.Task.IsCompleted;

    internal static DaemonProcess Start(IPlatform platform, SpawnRequest request)
    {
        int pid = platform.Spawn(request);
        var process = new DaemonProcess(platform, pid, request.Grouping != SpawnGrouping.Inherit);
        var watcher = new Thread(process.WatchExit) { IsBackground = true, Name = $"pidguard-wait-{pid}" };
        watcher.Start();
        return process;
    }

    private void WatchExit()
    {
        ChildExitStatus? status;
        try
        {
            status = _platform.WaitForChild(Id, reap: false);
        }
        catch (SystemCallException)
        {
            status = null;
        }
        lock (_gate)
        {
            if (status is null)
                _reaped = true; // not ours to wait for any more: never signal this PID again
            _exited.TrySetResult(new ExitRecord { Pid = Id, Code = status?.Code, Signal = status?.Signal, At = DateTimeOffset.UtcNow });
            if (_reapOnExit)
                ReapLocked();
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the program; false once it was reaped (nothing is sent then).
    /// Race: the program exits while a signal is sent. Its exit is observed without reaping it and the
    /// reap takes the same lock as this, so the PID cannot have been reused when the signal goes out.
    /// </summary>
    public bool Signal(int signal)
    {
        lock (_gate)
            return !_reaped && _platform.Kill(Id, signal) == SignalResult.Delivered;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to the program's whole process group. Safe even after the
    /// program exited: until it is reaped, the group id cannot be taken by another process.
    /// </summary>
    public bool SignalProcessGroup(int signal)
    {
        lock (_gate)
            return !_reaped && LeadsProcessGroup && _platform.KillGroup(Id, signal) == SignalResult.Delivered;
    }

    /// <summary>The live processes of the program's group other than itself (Linux); empty when it leads none.</summary>
    public IReadOnlyList<int> GroupMembers()
    {
        lock (_gate)
            return _reaped || !LeadsProcessGroup ? [] : _platform.ProcessGroupMembers(Id).Where(p => p != Id).ToList();
    }

    /// <summary>
    /// The other members of the session this process leads (none once it is reaped, or when it leads
    /// none). While it is not reaped its PID, the session id, cannot be reused: every member is its.
    /// </summary>
    internal IReadOnlyList<int> SessionMembers()
    {
        lock (_gate)
        {
            if (_reaped || _platform.GetProcessStatus(Id) is not { } st || st.Session != Id)
                return [];
            return _platform.SessionMembers(Id).Where(p => p != Id).ToList();
        }
    }

    /// <summary>
    /// Signals <paramref name="pid"/> only if, once pinned, it is still a member of the session this
    /// unreaped process leads. Race: the member exits and its PID is reused after the scan: the pidfd
    /// is opened first and the membership checked on it.
    /// </summary>
    internal bool SignalSessionMember(int pid, int signal)
    {
        if (pid <= 1 || pid == Id || pid == _platform.CurrentProcessId)
            return false;
        lock (_gate)
        {
            if (_reaped)
                return false;
            using var handle = _platform.OpenProcess(pid);
            return handle is not null && _platform.GetProcessStatus(pid) is { IsZombie: false } st && st.Session == Id
                && _platform.SendSignal(handle, signal) == SignalResult.Delivered;
        }
    }

    /// <summary>Waits for the exit, without reaping.</summary>
    public Task<ExitRecord> WaitForExitAsync(CancellationToken cancellationToken = default) => Exited.WaitAsync(cancellationToken);

    /// <summary>Collects the exited program (its PID becomes free for reuse). Does nothing while it runs.</summary>
    public void Reap()
    {
        lock (_gate)
        {
            if (HasExited)
                ReapLocked();
        }
    }

    private void ReapLocked()
    {
        if (_reaped)
            return;
        _platform.ReapChild(Id);
        _reaped = true;
    }

    /// <summary>Reaps the program once it has exited (at once if it has), so no zombie is left behind.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (HasExited)
                ReapLocked();
            else
                _reapOnExit = true;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"DaemonProcess({Id})";
}
