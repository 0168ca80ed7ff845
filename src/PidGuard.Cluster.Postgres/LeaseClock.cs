using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// The clock of the self-fencing deadline: monotonic, and on Linux CLOCK_BOOTTIME, which keeps
/// counting while the machine is suspended (CLOCK_MONOTONIC, behind Stopwatch, does not: a holder
/// resumed after a suspend would otherwise think no time had passed and keep working).
/// </summary>
internal static partial class LeaseClock
{
    private const int ClockBootTime = 7;
    private static readonly bool s_bootTime = OperatingSystem.IsLinux() && ProbeBootTime();

    /// <summary>Milliseconds on the fencing clock.</summary>
    public static long NowMs
    {
        get
        {
            if (s_bootTime && clock_gettime(ClockBootTime, out var ts) == 0)
                return ts.Seconds * 1000 + ts.Nanoseconds / 1_000_000;
            return Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency;
        }
    }

    private static bool ProbeBootTime()
    {
        try
        {
            return clock_gettime(ClockBootTime, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc.so.6")]
    private static partial int clock_gettime(int clockId, out TimeSpec time);
}
