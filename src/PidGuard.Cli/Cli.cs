using System.CommandLine;
using System.Text.RegularExpressions;

namespace PidGuard.Cli;

/// <summary>Parses the command line, reports usage errors in the tool's words, and runs the command.</summary>
internal static partial class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        args = SignalArguments.MoveAfterDoubleDash(args);
        var (root, quiet) = CommandTree.Build(args);
        var parsed = root.Parse(args);
        Output.Quiet = parsed.GetValue(quiet);
        if (parsed.Errors.Count > 0)
        {
            // "Required command was not provided" only repeats what an unknown command already says.
            var errors = parsed.Errors.Count > 1 ? parsed.Errors.Where(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal)) : parsed.Errors;
            foreach (var error in errors)
                Output.Error.WriteLine($"pidguard: {InToolWords(error.Message)}");
            Output.Error.WriteLine("Run 'pidguard --help' (or 'pidguard COMMAND --help') for usage.");
            return ExitCodes.Usage;
        }
        if (args.Length == 0)
        {
            Output.Error.WriteLine("pidguard: no command given. Run 'pidguard --help' for usage.");
            return ExitCodes.Usage;
        }
        // No termination timeout: `run` and `start` decide themselves how signals end them.
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null, Output = Output.Out, Error = Output.Error };
        return await parsed.InvokeAsync(invocation).ConfigureAwait(false);
    }

    /// <summary>System.CommandLine's wording, with .NET type names turned into what the value should be.</summary>
    internal static string InToolWords(string message)
    {
        var m = CannotParse().Match(message);
        if (!m.Success)
            return message;
        string expected = m.Groups[3].Value switch
        {
            var t when t.Contains("Double", StringComparison.Ordinal) => "a number (e.g. 2.5)",
            var t when t.Contains("Int", StringComparison.Ordinal) => "a whole number",
            var t when t.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ => "a valid value",
        };
        return $"{m.Groups[2].Value} '{m.Groups[1].Value}' is not {expected}";
    }

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex CannotParse();
}
