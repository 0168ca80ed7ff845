using System.Globalization;

namespace PidGuard.Cli;

/// <summary>--log-max-size and --log-keep: when the supervisor rotates NAME.log to NAME.log.1 ... NAME.log.N.</summary>
internal static class LogRotation
{
    public const int DefaultKeep = 5;
    public const int MaxKeep = 1000;

    /// <summary>Parses 10M, 512K, 1G, 1048576 (bytes; K, M, G are powers of 1024, a trailing B or iB is allowed).</summary>
    public static long ParseSize(string text)
    {
        string t = text.Trim();
        if (t.EndsWith("iB", StringComparison.OrdinalIgnoreCase))
            t = t[..^2];
        else if (t.EndsWith('B') || t.EndsWith('b'))
            t = t[..^1];
        long unit = 1;
        if (t.Length > 0 && char.ToUpperInvariant(t[^1]) is 'K' or 'M' or 'G' or 'T')
        {
            unit = char.ToUpperInvariant(t[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1L << 40 };
            t = t[..^1];
        }
        if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number) || number <= 0 || number * unit > long.MaxValue / 2)
            throw CliError.Usage($"--log-max-size '{text}' must be a size such as 10M, 512K, 1G or a number of bytes");
        long bytes = (long)(number * unit);
        return bytes >= 1 ? bytes : throw CliError.Usage($"--log-max-size '{text}' is less than one byte");
    }

    public static int CheckKeep(int keep) =>
        keep is >= 1 and <= MaxKeep ? keep : throw CliError.Usage($"--log-keep {keep} must be from 1 to {MaxKeep}");

    /// <summary>NAME.log.N.</summary>
    public static string Rotated(string log, int n) => $"{log}.{n.ToString(CultureInfo.InvariantCulture)}";
}
