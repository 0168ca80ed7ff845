using System.Diagnostics.CodeAnalysis;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// Signal names and numbers of the running platform (they differ between Linux and macOS). Windows has
/// no signals: names and numbers are Linux's there, and only those with a Windows meaning are accepted
/// (<see cref="IsSupported"/>): TERM (the daemon's stop event) and KILL (terminate).
/// </summary>
public static class Signals
{
    /// <summary>SIGTERM.</summary>
    public static int Terminate => Platforms.Current.Signals.Term;

    /// <summary>SIGKILL.</summary>
    public static int Kill => Platforms.Current.Signals.Kill;

    /// <summary>Parses a signal name (<c>HUP</c>, <c>SIGHUP</c>, <c>hup</c>) or number (1 to 64); false for anything else.</summary>
    public static bool TryParse(string? text, out int signal)
    {
        signal = 0;
        return text is not null && Platforms.Current.Signals.TryParse(text, out signal);
    }

    /// <summary>The name of <paramref name="signal"/> without the SIG prefix (<c>TERM</c>), or its number when it has none.</summary>
    public static string NameOf(int signal) => Platforms.Current.Signals.NameOf(signal);

    /// <summary>
    /// True when <paramref name="signal"/> can be sent on this platform; otherwise false with the reason
    /// (on Windows: <c>HUP has no meaning on Windows; ...</c>). Every signal is supported on Linux and macOS.
    /// </summary>
    public static bool IsSupported(int signal, [NotNullWhen(false)] out string? reason)
    {
        reason = Platforms.Current.SignalRefusal(signal);
        return reason is null;
    }
}
