using Microsoft.Extensions.Logging;
using PidGuard;

namespace Snippets;

/// <summary>README.md, "The library".</summary>
internal static class LibrarySnippet
{
    static async Task RunAsync(ILogger logger, CancellationToken stopping)
    {
        // Exactly one instance: throws AlreadyRunningException ("Daemon already running (PID: 4242)")
        // when another process holds the lock; recovers stale files after any crash.
        await using var instance = InstanceLock.Acquire("my-daemon", new PidGuardOptions { Logger = logger });
        instance.Heartbeat("serving"); // optional: state file heartbeat + status line
        await Task.Delay(Timeout.Infinite, stopping);
    }

    static async Task ManageAsync()
    {
        // From anywhere else:
        DaemonStatus status = DaemonProbe.GetStatus("my-daemon");  // Running, Restarting, Lingering, Stale, NotRunning, Unknown
        if (status.State == DaemonState.Running)
            Console.WriteLine($"running as PID {status.Pid}, LSB {status.LsbExitCode}");

        // Not "already running" as an exception: null when another process holds it.
        using var maybe = InstanceLock.TryAcquire("my-daemon", timeout: TimeSpan.FromSeconds(5));

        StopOutcome outcome = await DaemonStopper.StopAsync("my-daemon", StopSchedule.Parse("TERM/10/KILL/5"));
        SignalOutcome reload = DaemonSignaller.Send("my-daemon", Signals.TryParse("HUP", out int hup) ? hup : 1);
        Console.WriteLine($"{outcome.Result}: {outcome.Reason}; HUP {(reload.Succeeded ? "sent" : reload.Reason)}");
    }

    internal static Task Use(ILogger logger) => Task.WhenAll(RunAsync(logger, CancellationToken.None), ManageAsync());
}
