namespace PidGuard.Hosting;

/// <summary>What a guarded host does when an <see cref="IDaemonScope"/> is lost.</summary>
public enum ScopeLostBehavior
{
    /// <summary>
    /// Stop the host gracefully, exit code <see cref="DaemonExitCodes.ScopeLost"/>; if it has not stopped
    /// within <see cref="IDaemonScope.StopWithin"/>, exit the process (no work may outlive the scope).
    /// </summary>
    StopHost,

    /// <summary>Exit the process at once with <see cref="DaemonExitCodes.ScopeLost"/>.</summary>
    ExitProcess,
}
