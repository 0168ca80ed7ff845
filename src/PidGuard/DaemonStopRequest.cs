using System.Runtime.Versioning;
using PidGuard.Platform.Windows;

namespace PidGuard;

/// <summary>
/// On Windows, where there is no SIGTERM, a program of a daemon that does not hold its lock itself (one
/// started by a supervisor that holds it) watches its daemon's stop event with this: <see cref="Token"/>
/// fires when a stop (<see cref="DaemonStopper"/>) asks the daemon to stop. PidGuard.Hosting does it
/// for a supervised app. The holder itself uses <see cref="InstanceLock.StopRequested"/>.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class DaemonStopRequest : IDisposable
{
    private readonly SafeObjectHandle _event;
    private readonly WindowsStopEventWatch _watch;

    private DaemonStopRequest(SafeObjectHandle stopEvent)
    {
        _event = stopEvent;
        _watch = new WindowsStopEventWatch(stopEvent);
    }

    /// <summary>Fires when the daemon is asked to stop.</summary>
    public CancellationToken Token => _watch.Token;

    /// <summary>Watches the stop event of <paramref name="name"/>; null when no holder of the name created one (the daemon does not run).</summary>
    public static DaemonStopRequest? Watch(string name, PidGuardOptions? options = null)
    {
        var paths = DaemonPaths.Resolve(name, options);
        foreach (bool global in (ReadOnlySpan<bool>)[false, true])
        {
            if (WindowsStopEvent.OpenForWaiting(WindowsObjectNames.StopEvent(paths.Directory, paths.Name, global)) is { } stopEvent)
                return new DaemonStopRequest(stopEvent);
        }
        return null;
    }

    /// <summary>Stops watching.</summary>
    public void Dispose()
    {
        _watch.Dispose();
        _event.Dispose();
    }
}
