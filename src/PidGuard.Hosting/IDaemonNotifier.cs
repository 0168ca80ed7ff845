namespace PidGuard.Hosting;

/// <summary>
/// Sends sd_notify messages (<c>READY=1</c>, <c>STATUS=...</c>, <c>WATCHDOG=1</c>, <c>STOPPING=1</c>) to
/// the service manager: systemd, or the <c>pidguard run</c> / <c>start</c> supervisor. Registered by
/// <see cref="PidGuardHostingExtensions.AddPidGuard"/>; replace it to observe or redirect the messages.
/// </summary>
public interface IDaemonNotifier
{
    /// <summary>True when there is a service manager to notify (<c>NOTIFY_SOCKET</c> was set at start).</summary>
    bool IsEnabled { get; }

    /// <summary>Sends one message (lines of KEY=VALUE); false when nothing could be sent.</summary>
    bool Notify(string message);
}
