using System.Globalization;
using System.Text;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// <c>pidguard/NAME@HOST:PID</c>, the <c>application_name</c> of every PidGuard session, shown in
/// <c>pg_stat_activity</c>. PostgreSQL cuts it at 63 bytes, so this shortens the host first and then
/// the name (marking the cut with <c>~</c>), and always keeps the PID whole.
/// </summary>
internal static class ApplicationName
{
    public const int MaxBytes = 63;
    public const string Prefix = "pidguard/";

    public static string For(string name, string host, int pid)
    {
        string tail = ":" + pid.ToString(CultureInfo.InvariantCulture);
        host = Ascii(host);
        string full = $"{Prefix}{name}@{host}{tail}";
        if (full.Length <= MaxBytes)
            return full;
        int room = MaxBytes - Prefix.Length - tail.Length - 1; // for '@'
        int nameRoom = Math.Min(name.Length, Math.Max(room / 2, room - host.Length));
        string shortName = nameRoom < name.Length ? name[..(nameRoom - 1)] + "~" : name;
        int hostRoom = room - shortName.Length;
        string shortHost = hostRoom < host.Length ? host[..Math.Max(0, hostRoom - 1)] + "~" : host;
        return $"{Prefix}{shortName}@{shortHost}{tail}";
    }

    /// <summary>Reads back host and PID; the host may be shortened (ends with <c>~</c>).</summary>
    public static (string? Host, int? Pid) Parse(string? applicationName)
    {
        if (applicationName is null || !applicationName.StartsWith(Prefix, StringComparison.Ordinal))
            return (null, null);
        int at = applicationName.LastIndexOf('@');
        int colon = applicationName.LastIndexOf(':');
        if (at < 0 || colon < at)
            return (null, null);
        int? pid = int.TryParse(applicationName.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : null;
        return (applicationName[(at + 1)..colon], pid);
    }

    /// <summary>PostgreSQL replaces non-ASCII bytes with '?'; do it here so the length is exact.</summary>
    private static string Ascii(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
            sb.Append(c is >= ' ' and <= '~' && c != '@' && c != ':' ? c : '?');
        return sb.ToString();
    }
}
