using System.Runtime.Versioning;

namespace PidGuard.Platform.Windows;

/// <summary>
/// The processes of a daemon a stop may reach on Windows, each pinned by a process handle opened before
/// its identity (PID and creation time) was checked, so that no step can reach a process that reused a
/// PID. Windows has no signals: TERM sets the daemon's named stop event (its holder, a PidGuard.Hosting
/// app or the supervisor of <c>pidguard start</c>, stops gracefully); KILL terminates the supervisor
/// (whose kill-on-close job then ends the program's whole tree), the job itself when it holds the proven
/// main process, and the main process.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsDaemonTarget : IDaemonTarget
{
    private readonly WindowsPlatform _platform;
    private readonly DaemonPaths _paths;

    private WindowsDaemonTarget(WindowsPlatform platform, DaemonPaths paths, ProcessHandle? main, ProcessHandle? supervisor, string? refusal)
    {
        _platform = platform;
        _paths = paths;
        Main = main;
        Supervisor = supervisor;
        Refusal = refusal;
    }

    public ProcessHandle? Main { get; }
    public ProcessHandle? Supervisor { get; }
    public string? Refusal { get; }
    public ProcessHandle? Primary => Supervisor ?? Main;
    public bool IsEmpty => Main is null && Supervisor is null;

    /// <inheritdoc/>
    public bool Superseded => false; // the job object holds exactly this instance's processes; a newer instance is in another job


    /// <summary>Something of the daemon still runs in its job (a program's leftovers).</summary>
    public bool HasLeftovers => WithJob(job => job.ActiveProcessCount > 0);

    public static WindowsDaemonTarget Pin(WindowsPlatform p, DaemonStatus status)
    {
        ProcessHandle? main = null, supervisor = null;
        var decision = SignalDecision.For(status, p.CurrentProcessId);
        var recordedLock = DaemonIdentity.LockOf(status.Record, status.Paths, p);
        if (decision.Allowed)
            main = PinProven(p, decision.Pid!.Value, pid => DaemonIdentity.MainProblem(pid, status.Record, recordedLock, p));
        if (status.Supervisor is { } s && s > 1 && s != p.CurrentProcessId)
            supervisor = PinProven(p, s, _ => DaemonIdentity.SupervisorProblem(status.Record, recordedLock, p));
        string? refusal = main is null && supervisor is null && !decision.Allowed && status.State != DaemonState.Restarting ? decision.Reason : null;
        return new WindowsDaemonTarget(p, status.Paths, main, supervisor, refusal);
    }

    // Race: the process exits and its PID is reused between the probe and the stop. The handle is opened
    // first and the identity proven after: while it is open the PID cannot be reused, so it reaches exactly the proven process.
    private static ProcessHandle? PinProven(WindowsPlatform p, int pid, Func<int, string?> mismatch)
    {
        var handle = p.OpenProcess(pid);
        if (handle is null)
            return null;
        if (mismatch(pid) is null)
            return handle;
        handle.Dispose();
        return null;
    }

    public SignalResult Send(int signal, StopTarget target) =>
        WindowsSignalMap.ActionFor(signal, _platform.Signals.NameOf(signal), out _) switch
        {
            WindowsSignalAction.Graceful => RequestStop(_paths),
            WindowsSignalAction.Terminate => TerminateAll(signal),
            _ => SignalResult.Failed,
        };

    /// <summary>
    /// Sets the daemon's stop event: in this session's namespace, else the global one (a service's).
    /// A daemon without one (not a PidGuard holder of this version) cannot be asked: the schedule goes on to KILL.
    /// </summary>
    public static SignalResult RequestStop(DaemonPaths paths)
    {
        foreach (bool global in (ReadOnlySpan<bool>)[false, true])
        {
            switch (WindowsStopEvent.Signal(WindowsObjectNames.StopEvent(paths.Directory, paths.Name, global)))
            {
                case StopEventResult.Signalled:
                    return SignalResult.Delivered;
                case StopEventResult.AccessDenied:
                    return SignalResult.PermissionDenied;
            }
        }
        return SignalResult.Failed;
    }

    /// <summary>
    /// The supervisor first: were the program ended first, a supervisor not yet told to stop would start
    /// it again. Its death closes the daemon's kill-on-close job; the job is also terminated here when it
    /// holds the proven main process (a job of that name holding anything else is not proven the daemon's).
    /// </summary>
    private SignalResult TerminateAll(int signal)
    {
        var results = new List<SignalResult>();
        if (Supervisor is not null)
            results.Add(_platform.SendSignal(Supervisor, signal));
        if (Main is { Pinned: SafeObjectHandle main })
        {
            if (WithJob(job => job.Contains(main)))
                results.Add(WithJob(job => TerminateJob(job, signal)) ? SignalResult.Delivered : SignalResult.Failed);
            results.Add(_platform.SendSignal(Main, signal));
        }
        return results.Contains(SignalResult.Delivered) ? SignalResult.Delivered
            : results.Contains(SignalResult.PermissionDenied) ? SignalResult.PermissionDenied
            : results.Count == 0 ? SignalResult.NoSuchProcess : results[0];
    }

    private static bool TerminateJob(WindowsJob job, int signal)
    {
        job.Terminate((uint)(128 + signal));
        return true;
    }

    /// <summary>
    /// Runs <paramref name="use"/> on the daemon's job, opened by name for that moment only: a handle kept
    /// open would keep a kill-on-close job from closing when its supervisor exits. False when there is no job.
    /// </summary>
    private bool WithJob(Func<WindowsJob, bool> use)
    {
        foreach (bool global in (ReadOnlySpan<bool>)[false, true])
        {
            using var job = WindowsJob.Open(WindowsObjectNames.Job(_paths.Directory, _paths.Name, global));
            if (job is not null)
                return use(job);
        }
        return false;
    }

    public void Dispose()
    {
        Main?.Dispose();
        Supervisor?.Dispose();
    }
}
