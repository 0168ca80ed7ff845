namespace PidGuard.Windows.Tests.Infrastructure;

/// <summary>The bounds of every wait: generous, because a process start under Wine takes 0.1–0.2 s.</summary>
public static class Bounds
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(15);
    public const int StepMs = 15_000;

    /// <summary>How long a helper lives at most if nobody ends it (a test that failed half-way).</summary>
    public static readonly TimeSpan HelperLifetime = TimeSpan.FromSeconds(60);
}
