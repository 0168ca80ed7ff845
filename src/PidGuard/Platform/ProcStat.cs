using System.Globalization;
using System.Text;

namespace PidGuard.Platform;

/// <summary>
/// Parses Linux <c>/proc/PID/stat</c>. The command name (field 2) may hold spaces and
/// parentheses, so fields are counted from the last ')'.
/// </summary>
internal static class ProcStat
{
    /// <summary>Field 22 (starttime, clock ticks after boot).</summary>
    public static string? StartTimeField(ReadOnlySpan<byte> stat)
    {
        var token = Field(stat, 22);
        foreach (byte b in token)
        {
            if (b < (byte)'0' || b > (byte)'9')
                return null;
        }
        return token.IsEmpty ? null : Encoding.ASCII.GetString(token);
    }

    /// <summary>Field 3, the state letter (R, S, D, Z ...), or '\0'.</summary>
    public static char StateOf(string stat)
    {
        var f = Field(Encoding.ASCII.GetBytes(stat), 3);
        return f.Length == 1 ? (char)f[0] : '\0';
    }

    /// <summary>Field 5, the process group, or null.</summary>
    public static int? ProcessGroupOf(string stat) => IntField(stat, 5);

    /// <summary>Field 4, the parent PID, or null.</summary>
    public static int? ParentOf(string stat) => IntField(stat, 4);

    private static int? IntField(string stat, int number) =>
        int.TryParse(Field(Encoding.ASCII.GetBytes(stat), number), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : null;

    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> stat, int number)
    {
        int close = stat.LastIndexOf((byte)')');
        if (close < 0)
            return default;
        var rest = stat[(close + 1)..];
        int field = 2;
        int i = 0;
        while (i < rest.Length)
        {
            while (i < rest.Length && rest[i] == (byte)' ')
                i++;
            int start = i;
            while (i < rest.Length && rest[i] != (byte)' ' && rest[i] != (byte)'\n')
                i++;
            if (i == start)
                break;
            field++;
            if (field == number)
                return rest[start..i];
        }
        return default;
    }
}
