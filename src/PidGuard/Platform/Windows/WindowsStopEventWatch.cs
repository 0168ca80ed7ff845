using System.Runtime.Versioning;

namespace PidGuard.Platform.Windows;

/// <summary>A cancellation token that fires when a stop event is set (a thread-pool wait, no thread of its own).</summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsStopEventWatch : IDisposable
{
    private readonly CancellationTokenSource _fired = new();
    private readonly WaitHandle _wait;
    private readonly RegisteredWaitHandle _registration;

    public WindowsStopEventWatch(SafeObjectHandle stopEvent)
    {
        _wait = WindowsStopEvent.AsWaitHandle(stopEvent);
        _registration = ThreadPool.RegisterWaitForSingleObject(_wait, (_, _) => _fired.Cancel(), null, Timeout.Infinite, executeOnlyOnce: true);
    }

    public CancellationToken Token => _fired.Token;

    /// <summary>Stops watching; the token stays as it is (never disposed: a caller may still hold it).</summary>
    public void Dispose()
    {
        _registration.Unregister(null);
        _wait.Dispose();
    }
}
