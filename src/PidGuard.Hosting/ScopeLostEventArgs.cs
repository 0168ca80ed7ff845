namespace PidGuard.Hosting;

/// <summary>The scope a guarded daemon lost (<see cref="IPidGuardDaemon.ScopeLost"/>).</summary>
public sealed class ScopeLostEventArgs(IDaemonScope scope, string? reason) : EventArgs
{
    /// <summary>The scope that was lost.</summary>
    public IDaemonScope Scope { get; } = scope;

    /// <summary>Why.</summary>
    public string? Reason { get; } = reason;
}
