using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Advapi32;

namespace PidGuard.Platform.Windows;

/// <summary>SIDs as the S-1-5-... text PidGuard compares, logs and puts in SDDL.</summary>
[SupportedOSPlatform("windows")]
internal static class WindowsSids
{
    public const string LocalSystem = "S-1-5-18";
    public const string Administrators = "S-1-5-32-544";
    public const string Everyone = "S-1-1-0";

    public static string ToText(nint sid)
    {
        if (!ConvertSidToStringSid(sid, out var text))
            throw WindowsIOException.Last("ConvertSidToStringSidW", null);
        using (text)
            return text.ReadUtf16String() ?? throw new InvalidOperationException("ConvertSidToStringSidW returned no string.");
    }
}
