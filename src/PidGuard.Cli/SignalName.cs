using System.Globalization;

namespace PidGuard.Cli;

/// <summary>
/// A SIGNAL argument: a name (HUP, SIGUSR1, usr1), a number (10), either with a leading dash (-10,
/// -HUP), or a real-time signal (RTMIN, RTMIN+1, SIGRTMAX-2 on Linux). Refused: 0 (it sends nothing),
/// numbers past the platform's last signal, and Linux 32 and 33, which glibc reserves for its threads.
/// </summary>
internal static class SignalName
{
    private const int LinuxRtMin = 34; // glibc's SIGRTMIN: 32 and 33 are its own
    private const int LinuxRtMax = 64;

    public static bool TryParse(string text, out int signal, out string? problem)
    {
        signal = 0;
        problem = null;
        string t = text.StartsWith('-') ? text[1..] : text;
        if (t.StartsWith("SIG", StringComparison.OrdinalIgnoreCase))
            t = t[3..];
        if (OperatingSystem.IsLinux() && TryRealTime(t, out signal))
            return signal is >= LinuxRtMin and <= LinuxRtMax || Fail($"'{text}' is outside RTMIN..RTMAX ({LinuxRtMin}..{LinuxRtMax})", out problem);
        if (t.Length > 0 && t.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out signal))
                return Fail($"unknown signal '{text}'", out problem);
            if (signal == 0)
                return Fail("signal 0 sends nothing (it only tests that a process exists): use 'pidguard status'", out problem);
            if (OperatingSystem.IsLinux() && signal is 32 or 33)
                return Fail($"signal {signal} is reserved by the C library (glibc uses 32 and 33 for its threads); pidguard does not send it", out problem);
        }
        return Signals.TryParse(t, out signal) || Fail($"unknown signal '{text}' (a name such as HUP, USR1, TERM, or a number from 1 to 64)", out problem);
    }

    /// <summary>The name people know a signal by: USR1, RTMIN+2, or its number.</summary>
    public static string Of(int signal) =>
        OperatingSystem.IsLinux() && signal >= LinuxRtMin
            ? signal == LinuxRtMin ? "RTMIN" : signal == LinuxRtMax ? "RTMAX" : $"RTMIN+{signal - LinuxRtMin}"
            : Signals.NameOf(signal);

    private static bool TryRealTime(string t, out int signal)
    {
        signal = 0;
        foreach (var (prefix, basis, sign) in new[] { ("RTMIN", LinuxRtMin, 1), ("RTMAX", LinuxRtMax, -1) })
        {
            if (!t.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                continue;
            string rest = t[prefix.Length..];
            if (rest.Length == 0)
            {
                signal = basis;
                return true;
            }
            if ((rest[0] == '+' && sign > 0 || rest[0] == '-' && sign < 0) && rest.Length > 1 && rest[1..].All(char.IsAsciiDigit)
                && int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out int offset) && offset <= 64)
            {
                signal = basis + sign * offset;
                return true;
            }
            signal = -1;
            return true;
        }
        return false;
    }

    private static bool Fail(string message, out string? problem)
    {
        problem = message;
        return false;
    }
}
