namespace PidGuard.Tests.Infrastructure;

/// <summary>
/// Tests block thread-pool threads (waiting on processes); raise the pool's floor so the async
/// readers of child processes' output are never starved under a full parallel run.
/// </summary>
public static class TestThreads
{
    public static void Ensure()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        if (workers < 64)
            ThreadPool.SetMinThreads(64, Math.Max(io, 64));
    }
}
