using System.Globalization;

namespace PidGuard.Cli;

/// <summary>Validates a duration option given in seconds: finite, not negative, at most a year.</summary>
internal static class Seconds
{
    /// <summary>The longest duration any option accepts (the stop schedule's limit too).</summary>
    public const double Max = 31_536_000;

    public static TimeSpan? Parse(double? value, string option) => value is { } v ? Parse(v, option) : null;

    /// <summary>Like <see cref="Parse(double, string)"/>, and more than zero (a window of no time counts nothing).</summary>
    public static TimeSpan Positive(double value, string option) =>
        value > 0 ? Parse(value, option) : throw CliError.Usage($"{option} {value.ToString(CultureInfo.InvariantCulture)} must be more than 0 seconds");

    /// <summary>An optional duration that, when given, must be more than zero (--wait-ready 0 could never be met).</summary>
    public static TimeSpan? Positive(double? value, string option) => value is { } v ? Positive(v, option) : null;

    public static TimeSpan Parse(double value, string option)
    {
        if (!double.IsFinite(value) || value < 0 || value > Max)
            throw CliError.Usage($"{option} {value.ToString(CultureInfo.InvariantCulture)} must be a number of seconds from 0 to {Max.ToString(CultureInfo.InvariantCulture)} (a year)");
        return TimeSpan.FromSeconds(value);
    }
}
