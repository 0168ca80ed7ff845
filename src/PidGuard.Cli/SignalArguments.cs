namespace PidGuard.Cli;

/// <summary>
/// `pidguard signal web -10` / `kill -9 web` / `signal web -HUP`: a dashed signal would be read as an
/// unknown option, so it is moved after a `--` (where it is the SIGNAL argument) before parsing.
/// </summary>
internal static class SignalArguments
{
    private static readonly HashSet<string> OptionNames = ["-h", "-?", "-d", "-p", "-q"];

    public static string[] MoveAfterDoubleDash(string[] args)
    {
        int command = Array.FindIndex(args, a => !a.StartsWith('-'));
        if (command < 0 || args[command] is not ("signal" or "kill") || args.Contains("--"))
            return args;
        var dashed = Enumerable.Range(command + 1, args.Length - command - 1).Where(i => IsDashedSignal(args[i])).ToList();
        if (dashed.Count != 1)
            return args;
        return [.. args.Where((_, i) => i != dashed[0]), "--", args[dashed[0]]];
    }

    private static bool IsDashedSignal(string a) =>
        a.Length > 1 && a[0] == '-' && a[1] != '-' && !OptionNames.Contains(a) && (char.IsAsciiDigit(a[1]) || char.IsAsciiLetterUpper(a[1]) || SignalName.TryParse(a[1..], out _, out _));
}
