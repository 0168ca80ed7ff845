using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Advapi32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// Who this process runs as: the user SID, the default owner of the objects it creates (the
/// Administrators group for an elevated administrator) and whether it is elevated.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsUser
{
    private static readonly Lazy<WindowsUser> s_current = new(Read);

    private WindowsUser(string userSid, string defaultOwnerSid, bool elevated)
    {
        UserSid = userSid;
        DefaultOwnerSid = defaultOwnerSid;
        IsElevated = elevated;
    }

    public static WindowsUser Current => s_current.Value;

    public string UserSid { get; }
    public string DefaultOwnerSid { get; }
    public bool IsElevated { get; }

    /// <summary>True for the SIDs an owner check accepts: the user, or the owner its objects get by default.</summary>
    public bool IsSelf(string sid) =>
        string.Equals(sid, UserSid, StringComparison.OrdinalIgnoreCase) || string.Equals(sid, DefaultOwnerSid, StringComparison.OrdinalIgnoreCase);

    private static unsafe WindowsUser Read()
    {
        if (!OpenProcessToken(Interop.Kernel32.GetCurrentProcess(), TOKEN_QUERY, out var token))
            throw WindowsIOException.Last("OpenProcessToken", null);
        using (token)
        {
            byte* buffer = stackalloc byte[512];
            string user = SidAt(token, TokenInformationClass.TokenUser, buffer);
            string owner = SidAt(token, TokenInformationClass.TokenOwner, buffer);
            int elevated = 0;
            GetTokenInformation(token, TokenInformationClass.TokenElevation, &elevated, sizeof(int), out _);
            return new WindowsUser(user, owner, elevated != 0);
        }
    }

    private static unsafe string SidAt(SafeObjectHandle token, TokenInformationClass infoClass, byte* buffer)
    {
        if (!GetTokenInformation(token, infoClass, buffer, 512, out _))
            throw WindowsIOException.Last($"GetTokenInformation({infoClass})", null);
        return WindowsSids.ToText(*(nint*)buffer);
    }
}
