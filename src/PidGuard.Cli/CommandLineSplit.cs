using System.CommandLine;
using System.CommandLine.Parsing;

namespace PidGuard.Cli;

/// <summary>
/// Splits `NAME [OPTIONS] -- COMMAND ARGS...` (or `COMMAND ARGS...` when the name came from an option).
/// A word that starts with '-' before the `--` is a mistyped option, never the command: `start web
/// --wait-redy 5 -- prog` is a usage error, not a daemon running `--wait-redy`.
/// </summary>
internal static class CommandLineSplit
{
    public static (string? Name, string[] Command) Split(ParseResult result, Argument<string[]> tokens, bool namedByOption, string usage)
    {
        var all = result.Tokens;
        int doubleDash = -1;
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].Type == TokenType.DoubleDash)
            {
                doubleDash = i;
                break;
            }
        }
        var mine = result.GetResult(tokens)?.Tokens ?? [];
        var before = mine.Where(t => doubleDash < 0 || IndexOf(all, t) < doubleDash).Select(t => t.Value).ToList();
        var after = mine.Where(t => doubleDash >= 0 && IndexOf(all, t) > doubleDash).Select(t => t.Value).ToList();
        foreach (string word in before)
        {
            if (word.Length > 1 && word.StartsWith('-'))
                throw CliError.Usage($"unknown option '{word}' (the command and its options go after '--': {usage})");
        }
        string? name = null;
        if (!namedByOption)
        {
            if (before.Count == 0)
                throw CliError.Usage(after.Count > 0 ? $"the daemon NAME goes before '--': {usage}" : $"no daemon name given: {usage}");
            name = before[0];
            before.RemoveAt(0);
        }
        if (doubleDash >= 0 && before.Count > 0)
            throw CliError.Usage($"unexpected '{before[0]}' before '--': {usage}");
        return (name, [.. before, .. after]);
    }

    private static int IndexOf(IReadOnlyList<Token> all, Token token)
    {
        for (int i = 0; i < all.Count; i++)
        {
            if (ReferenceEquals(all[i], token))
                return i;
        }
        return -1;
    }
}
