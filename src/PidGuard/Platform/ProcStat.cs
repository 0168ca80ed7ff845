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

    /// <summary>Fields 3 to 6 and 22, or null when the text is not a stat line.</summary>
    public static ProcessStatus? Parse(ReadOnlySpan<byte> stat)
    {
        var state = Field(stat, 3);
        if (state.Length != 1 || StartTimeField(stat) is not { } token)
            return null;
        return Int(Field(stat, 4)) is { } ppid && Int(Field(stat, 5)) is { } pgid && Int(Field(stat, 6)) is { } sid
            ? new ProcessStatus(ppid, pgid, sid, (char)state[0], token)
            : null;
    }

    private static int? Int(ReadOnlySpan<byte> field) =>
        int.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : null;

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
