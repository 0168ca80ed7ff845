using System.CommandLine;
using PidGuard.Cli.Commands;

namespace PidGuard.Cli;

/// <summary>Parses the command line, reports usage errors in the tool's words, and runs the command.</summary>
internal static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (StatusFastPath.TryParse(args, out string name, out string? dir, out bool json, out bool fastQuiet))
        {
            Output.Quiet = fastQuiet;
            return await CommandAction.RunAsync(() => Task.FromResult(StatusCommand.Show(DaemonSelector.Resolve(null, null, dir, name), json)), ExitCodes.Unknown).ConfigureAwait(false);
        }
        if (args.Length == 2 && args.Contains("--version") && (args.Contains("-q") || args.Contains("--quiet")))
            args = ["--version"]; // --quiet changes nothing about data asked for
        args = SignalArguments.MoveAfterDoubleDash(args);
        var (root, quiet) = CommandTree.Build(args);
        // No @file response files: every argument means what it says, and the binary without the cluster scope
        // hands the companion the same arguments (a file read once, such as @<(...), would be empty the second time).
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
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
        var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null, Output = Output.Out, Error = Output.Error, EnableDefaultExceptionHandler = false };
        return await parsed.InvokeAsync(invocation).ConfigureAwait(false);
    }

    /// <summary>The last-resort report of an exception no command handled: one line, exit 70 (EX_SOFTWARE).</summary>
    internal static int InternalError(Exception? e)
    {
        try
        {
            string message = e?.Message ?? "unknown error";
            Output.Error.WriteLine($"pidguard: internal error: {Output.Visible(message)}");
        }
        catch (Exception)
        {
            // stderr is gone: the exit code still tells
        }
        return ExitCodes.InternalError;
    }

    /// <summary>System.CommandLine's wording, with .NET type names turned into what the value should be.</summary>
    internal static string InToolWords(string message)
    {
        // "Cannot parse argument 'abc' for option '--timeout' as expected type 'System.Nullable`1[System.Double]'."
        const string Head = "Cannot parse argument '", Middle = "' for option '", Tail = "' as expected type '";
        int middle = message.IndexOf(Middle, StringComparison.Ordinal);
        int tail = message.IndexOf(Tail, StringComparison.Ordinal);
        if (!message.StartsWith(Head, StringComparison.Ordinal) || middle < 0 || tail < middle)
            return message;
        string value = message[Head.Length..middle], option = message[(middle + Middle.Length)..tail], type = message[(tail + Tail.Length)..];
        string expected = type switch
        {
            var t when t.Contains("Double", StringComparison.Ordinal) => "a number (e.g. 2.5)",
            var t when t.Contains("Int", StringComparison.Ordinal) => "a whole number",
            var t when t.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ => "a valid value",
        };
        return $"{option} '{value}' is not {expected}";
    }
}
