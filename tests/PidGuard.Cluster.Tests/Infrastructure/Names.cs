namespace PidGuard.Cluster.Tests.Infrastructure;

public static class Names
{
    private static int s_next;

    /// <summary>A name no other test uses in this run.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Environment.ProcessId}-{Interlocked.Increment(ref s_next)}";
}
