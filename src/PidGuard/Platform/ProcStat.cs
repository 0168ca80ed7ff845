using System.Text;

namespace PidGuard.Platform;

/// <summary>Parses Linux <c>/proc/PID/stat</c>.</summary>
internal static class ProcStat
{
    /// <summary>
    /// Field 22 (starttime, clock ticks after boot). The command name (field 2) may hold spaces
    /// and parentheses, so fields are counted from the last ')'.
    /// </summary>
    public static string? StartTimeField(ReadOnlySpan<byte> stat)
    {
        int close = stat.LastIndexOf((byte)')');
        if (close < 0)
            return null;
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
            if (field == 22)
            {
                var token = rest[start..i];
                foreach (byte b in token)
                {
                    if (b < (byte)'0' || b > (byte)'9')
                        return null;
                }
                return Encoding.ASCII.GetString(token);
            }
        }
        return null;
    }
}
