namespace PidGuard.Platform;

/// <summary>Waits for a condition with short, growing sleeps (1 ms doubling to 50 ms).</summary>
internal static class Backoff
{
    public const int FirstDelayMs = 1;
    public const int MaxDelayMs = 50;

    public static int Next(int delayMs) => Math.Min(MaxDelayMs, delayMs * 2);

    public static bool WaitUntil(Func<bool> condition, int timeoutMs)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        int delay = FirstDelayMs;
        while (true)
        {
            if (condition())
                return true;
            long remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
                return false;
            Thread.Sleep((int)Math.Min(delay, remaining));
            delay = Next(delay);
        }
    }

    public static async Task<bool> WaitUntilAsync(Func<bool> condition, int timeoutMs, CancellationToken ct)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        int delay = FirstDelayMs;
        while (true)
        {
            if (condition())
                return true;
            long remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
                return false;
            await Task.Delay((int)Math.Min(delay, remaining), ct).ConfigureAwait(false);
            delay = Next(delay);
        }
    }
}
