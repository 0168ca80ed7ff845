namespace PidGuard.Platform;

/// <summary>
/// The one polling helper: checks a condition with short, growing, jittered sleeps (1 ms doubling
/// to a ceiling, each varied by up to a quarter so that contenders do not wake in step).
/// A timeout of <see cref="Timeout.Infinite"/> polls until the condition holds or the token is cancelled.
/// </summary>
internal static class Backoff
{
    public const int FirstDelayMs = 1;
    public const int MaxDelayMs = 50;

    public static int Next(int delayMs, int maxDelayMs = MaxDelayMs) => Math.Min(maxDelayMs, delayMs * 2);

    public static bool WaitUntil(Func<bool> condition, int timeoutMs, int maxDelayMs = MaxDelayMs, CancellationToken ct = default)
    {
        long deadline = Deadline(timeoutMs);
        int delay = FirstDelayMs;
        while (true)
        {
            if (condition())
                return true;
            if (Remaining(deadline) is not { } remaining)
                return false;
            ct.ThrowIfCancellationRequested();
            int sleep = Jittered(delay, remaining);
            if (ct.CanBeCanceled)
                ct.WaitHandle.WaitOne(sleep);
            else
                Thread.Sleep(sleep);
            ct.ThrowIfCancellationRequested();
            delay = Next(delay, maxDelayMs);
        }
    }

    public static async Task<bool> WaitUntilAsync(Func<bool> condition, int timeoutMs, CancellationToken ct, int maxDelayMs = MaxDelayMs)
    {
        long deadline = Deadline(timeoutMs);
        int delay = FirstDelayMs;
        while (true)
        {
            if (condition())
                return true;
            if (Remaining(deadline) is not { } remaining)
                return false;
            await Task.Delay(Jittered(delay, remaining), ct).ConfigureAwait(false);
            delay = Next(delay, maxDelayMs);
        }
    }

    private static long Deadline(int timeoutMs) =>
        timeoutMs == Timeout.Infinite ? long.MaxValue : Environment.TickCount64 + Math.Max(0, timeoutMs);

    /// <summary>Milliseconds left, or null when the deadline has passed.</summary>
    private static long? Remaining(long deadline)
    {
        if (deadline == long.MaxValue)
            return long.MaxValue;
        long remaining = deadline - Environment.TickCount64;
        return remaining > 0 ? remaining : null;
    }

    private static int Jittered(int delay, long remaining)
    {
        int jitter = delay >= 4 ? Random.Shared.Next(-delay / 4, delay / 4 + 1) : 0;
        return (int)Math.Clamp(delay + jitter, 1, remaining);
    }
}
