using System.Globalization;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>The kind of one step of a <see cref="StopSchedule"/>.</summary>
public enum StopStepKind
{
    /// <summary>Send a signal.</summary>
    Signal,

    /// <summary>Wait up to a timeout for the daemon to release its lock.</summary>
    Wait,

    /// <summary>Go back to the step after <c>forever</c> (the end of a schedule that repeats).</summary>
    Repeat,
}

/// <summary>One step of a stop schedule.</summary>
/// <param name="Kind">What the step does.</param>
/// <param name="Signal">The signal number, for <see cref="StopStepKind.Signal"/>.</param>
/// <param name="SignalName">The signal name (TERM, KILL ...), for <see cref="StopStepKind.Signal"/>.</param>
/// <param name="Timeout">The wait, for <see cref="StopStepKind.Wait"/>.</param>
/// <param name="RepeatFrom">The step index to go back to, for <see cref="StopStepKind.Repeat"/>.</param>
public readonly record struct StopStep(StopStepKind Kind, int Signal, string? SignalName, TimeSpan Timeout, int RepeatFrom);

/// <summary>
/// A stop schedule in start-stop-daemon's <c>--retry</c> grammar: items separated by <c>/</c>,
/// each a signal (<c>TERM</c>, <c>SIGTERM</c>, <c>-TERM</c>, <c>-15</c>), a timeout in seconds, or
/// <c>forever</c> (repeat the rest of the schedule for ever). A lone timeout <c>N</c> means
/// <c>TERM/N/KILL/N</c>. The default is <c>TERM/10/KILL/5</c>.
/// </summary>
public sealed class StopSchedule
{
    private StopSchedule(IReadOnlyList<StopStep> steps, string text)
    {
        Steps = steps;
        _text = text;
    }

    private readonly string _text;

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<StopStep> Steps { get; }

    /// <summary><c>TERM/10/KILL/5</c>.</summary>
    public static StopSchedule Default { get; } = Parse("TERM/10/KILL/5");

    /// <summary>Parses a schedule; throws <see cref="FormatException"/> naming the bad item.</summary>
    public static StopSchedule Parse(string text, string signal = "TERM") =>
        TryParse(text, out var schedule, out string? error, signal) ? schedule! : throw new FormatException(error);

    /// <summary>Parses a schedule; false with the reason when it is invalid.</summary>
    public static bool TryParse(string? text, out StopSchedule? schedule, out string? error, string signal = "TERM")
    {
        schedule = null;
        var signals = Platforms.Current.Signals;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "Invalid stop schedule: it is empty.";
            return false;
        }
        string[] items = text.Trim().Split('/');
        if (items.Length == 1 && TryParseTimeout(items[0], out _))
            items = [signal, items[0], "KILL", items[0]];
        var steps = new List<StopStep>(items.Length + 1);
        int repeatAt = -1;
        foreach (string raw in items)
        {
            string item = raw.Trim();
            if (item.Equals("forever", StringComparison.OrdinalIgnoreCase))
            {
                if (repeatAt >= 0)
                {
                    error = $"Invalid stop schedule '{text}': 'forever' appears more than once.";
                    return false;
                }
                repeatAt = steps.Count;
            }
            else if (TryParseTimeout(item, out var timeout))
            {
                steps.Add(new StopStep(StopStepKind.Wait, 0, null, timeout, 0));
            }
            else if (TryParseSignal(item, signals, out int number))
            {
                if (Platforms.Current.SignalRefusal(number) is { } refusal)
                {
                    error = $"Invalid stop schedule '{text}': {refusal}.";
                    return false;
                }
                steps.Add(new StopStep(StopStepKind.Signal, number, signals.NameOf(number), TimeSpan.Zero, 0));
            }
            else
            {
                error = $"Invalid stop schedule '{text}': '{item}' is neither a signal, a timeout in seconds nor 'forever'.";
                return false;
            }
        }
        if (repeatAt == steps.Count)
        {
            error = $"Invalid stop schedule '{text}': 'forever' appears last, so there is nothing to repeat.";
            return false;
        }
        if (repeatAt >= 0)
        {
            if (!steps.Skip(repeatAt).Any(s => s.Kind == StopStepKind.Wait && s.Timeout > TimeSpan.Zero))
            {
                error = $"Invalid stop schedule '{text}': the part repeated 'forever' must contain a timeout greater than 0.";
                return false;
            }
            steps.Add(new StopStep(StopStepKind.Repeat, 0, null, TimeSpan.Zero, repeatAt));
        }
        if (!steps.Any(s => s.Kind == StopStepKind.Signal))
        {
            error = $"Invalid stop schedule '{text}': it sends no signal.";
            return false;
        }
        error = null;
        schedule = new StopSchedule(steps, string.Join('/', items.Select(i => i.Trim())));
        return true;
    }

    /// <summary><c>TERM/N/KILL/N</c>: what <c>stop --timeout N</c> means.</summary>
    public static StopSchedule FromTimeout(TimeSpan timeout) =>
        Parse(timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture));

    // start-stop-daemon: "-signal-number or [-]signal-name"; a bare number is a timeout.
    private static bool TryParseSignal(string item, SignalTable signals, out int number)
    {
        number = 0;
        bool dashed = item.StartsWith('-');
        string rest = dashed ? item[1..] : item;
        if (rest.Length == 0 || (!dashed && char.IsAsciiDigit(rest[0])))
            return false;
        return signals.TryParse(rest, out number);
    }

    private static bool TryParseTimeout(string item, out TimeSpan timeout)
    {
        timeout = TimeSpan.Zero;
        if (item.Length == 0 || !char.IsAsciiDigit(item[0]))
            return false;
        if (!double.TryParse(item, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) || seconds > 31_536_000)
            return false;
        timeout = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => _text;
}
