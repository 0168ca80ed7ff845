namespace PidGuard.Cli;

/// <summary>Splits `NAME COMMAND ARGS...` (or `COMMAND ARGS...` when the name came from an option).</summary>
internal static class CommandLineSplit
{
    public static (string? Name, string[] Command) Split(string[] tokens, bool namedByOption)
    {
        if (namedByOption)
            return (null, tokens);
        if (tokens.Length == 0)
            throw CliError.Usage("no daemon name given");
        return (tokens[0], tokens[1..]);
    }
}
