namespace PidGuard.Platform;

/// <summary>Signal names and numbers of the running platform.</summary>
internal sealed class SignalTable
{
    private readonly Dictionary<string, int> _byName;
    private readonly Dictionary<int, string> _byNumber;

    private SignalTable(params (string Name, int Number)[] signals)
    {
        _byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        _byNumber = [];
        foreach (var (name, number) in signals)
        {
            _byName[name] = number;
            _byNumber.TryAdd(number, name);
        }
        MaxSignal = _byNumber.Keys.Max();
    }

    public int MaxSignal { get; }
    public int Term => _byName["TERM"];
    public int Kill => _byName["KILL"];
    public int Cont => _byName["CONT"];

    /// <summary>The signals that stop a process, after which a SIGCONT would undo what was sent.</summary>
    public bool Stops(int signal) => signal == _byName["STOP"] || signal == _byName["TSTP"] || signal == _byName["TTIN"] || signal == _byName["TTOU"];

    /// <summary>Parses <c>TERM</c>, <c>SIGTERM</c>, <c>term</c> or a number.</summary>
    public bool TryParse(string text, out int number)
    {
        number = 0;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        if (text.All(char.IsAsciiDigit))
            return int.TryParse(text, out number) && number >= 1 && number <= 64;
        string name = text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text[3..] : text;
        return _byName.TryGetValue(name, out number);
    }

    public string NameOf(int number) => _byNumber.TryGetValue(number, out var n) ? n : number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static SignalTable Linux() => new(
        ("HUP", 1), ("INT", 2), ("QUIT", 3), ("ILL", 4), ("TRAP", 5), ("ABRT", 6), ("IOT", 6), ("BUS", 7),
        ("FPE", 8), ("KILL", 9), ("USR1", 10), ("SEGV", 11), ("USR2", 12), ("PIPE", 13), ("ALRM", 14),
        ("TERM", 15), ("STKFLT", 16), ("CHLD", 17), ("CONT", 18), ("STOP", 19), ("TSTP", 20), ("TTIN", 21),
        ("TTOU", 22), ("URG", 23), ("XCPU", 24), ("XFSZ", 25), ("VTALRM", 26), ("PROF", 27), ("WINCH", 28),
        ("IO", 29), ("POLL", 29), ("PWR", 30), ("SYS", 31));

    public static SignalTable MacOS() => new(
        ("HUP", 1), ("INT", 2), ("QUIT", 3), ("ILL", 4), ("TRAP", 5), ("ABRT", 6), ("IOT", 6), ("EMT", 7),
        ("FPE", 8), ("KILL", 9), ("BUS", 10), ("SEGV", 11), ("SYS", 12), ("PIPE", 13), ("ALRM", 14),
        ("TERM", 15), ("URG", 16), ("STOP", 17), ("TSTP", 18), ("CONT", 19), ("CHLD", 20), ("TTIN", 21),
        ("TTOU", 22), ("IO", 23), ("XCPU", 24), ("XFSZ", 25), ("VTALRM", 26), ("PROF", 27), ("WINCH", 28),
        ("INFO", 29), ("USR1", 30), ("USR2", 31));
}
