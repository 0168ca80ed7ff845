using System.Runtime.Versioning;

namespace PidGuard.Platform.Windows;

/// <summary>
/// What a holder of a name keeps on Windows: the daemon's named stop event (created reset, watched for
/// <see cref="StopRequested"/>) and, once it starts a program, the daemon's named kill-on-close job. Both
/// live as long as the holder holds the name: when it lets go or dies, the job's last handle closes and
/// every process still in it ends, so no program of the daemon outlives its lock.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsHolderObjects : IHolderObjects
{
    private readonly Lock _sync = new();
    private readonly string _jobName;
    private readonly SafeObjectHandle _stopEvent;
    private readonly WindowsStopEventWatch _watch;
    private WindowsJob? _job;
    private bool _disposed;

    public WindowsHolderObjects(DaemonPaths paths, bool global)
    {
        _jobName = WindowsObjectNames.Job(paths.Directory, paths.Name, global);
        _stopEvent = WindowsStopEvent.Create(WindowsObjectNames.StopEvent(paths.Directory, paths.Name, global));
        try
        {
            // The event may outlive a previous holder (someone still had it open) in its set state: a stop
            // request was for that holder, never for this one.
            WindowsStopEvent.Reset(_stopEvent, paths.Name);
            _watch = new WindowsStopEventWatch(_stopEvent);
        }
        catch
        {
            _stopEvent.Dispose();
            throw;
        }
    }

    public CancellationToken StopRequested => _watch.Token;

    /// <summary>The daemon's job, created when the first program starts.</summary>
    public WindowsJob Job()
    {
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _job ??= WindowsJob.Create(_jobName, killOnClose: true);
        }
    }

    public void Dispose()
    {
        lock (_sync)
        {
            if (_disposed)
                return;
            _disposed = true;
            _watch.Dispose();
            _stopEvent.Dispose();
            _job?.Dispose();
        }
    }
}
