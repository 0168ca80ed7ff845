using PidGuard;

namespace Snippets;

/// <summary>src/PidGuard/PACKAGE.md.</summary>
internal static class LibraryPackageSnippet
{
    internal static async Task Use()
    {
        await using var instance = InstanceLock.Acquire("my-daemon");        // or TryAcquire: null when taken
        instance.Heartbeat("serving");

        DaemonStatus status = DaemonProbe.GetStatus("my-daemon");            // Running, Restarting, Lingering, Stale, NotRunning, Unknown
        StopOutcome outcome = await DaemonStopper.StopAsync("my-daemon");    // TERM/10/KILL/5 by default
        Console.WriteLine($"{status.State} {outcome.Result}");
    }
}
