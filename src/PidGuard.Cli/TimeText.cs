using System.Globalization;

namespace PidGuard.Cli;

/// <summary>Short human durations: 850 ms, 12 s, 3m 12s, 2h 5m, 3d 4h.</summary>
internal static class TimeText
{
    public static string Of(TimeSpan t)
    {
        if (t < TimeSpan.Zero)
            t = TimeSpan.Zero;
        if (t.TotalSeconds < 1)
            return $"{(int)t.TotalMilliseconds} ms";
        if (t.TotalMinutes < 1)
            return t.TotalSeconds < 10 ? $"{t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s" : $"{(int)t.TotalSeconds} s";
        if (t.TotalHours < 1)
            return $"{t.Minutes}m {t.Seconds}s";
        if (t.TotalDays < 1)
            return $"{(int)t.TotalHours}h {t.Minutes}m";
        return $"{(int)t.TotalDays}d {t.Hours}h";
    }
}
