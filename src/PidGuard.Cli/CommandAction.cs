namespace PidGuard.Cli;

/// <summary>Runs a command body and turns failures into one stderr line, in the tool's words, and an exit code.</summary>
internal static class CommandAction
{
    public static async Task<int> RunAsync(Func<Task<int>> body, int environmentErrorCode = ExitCodes.Failure)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (CliError e)
        {
            return Fail(e.Message, e.ExitCode);
        }
        catch (AlreadyRunningException e)
        {
            return Fail(e.Message, ExitCodes.AlreadyRunning);
        }
        catch (PidGuardException e)
        {
            return Fail(e.Message, environmentErrorCode);
        }
        catch (FormatException e)
        {
            return Fail(e.Message, ExitCodes.Usage);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(InToolWords(e), environmentErrorCode);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }
    }

    public static int Fail(string message, int code)
    {
        Output.Error.WriteLine($"pidguard: {Output.Visible(message)}");
        return code;
    }

    /// <summary>"Access to the path '/x' is denied." becomes what happened, to which file, and what to do.</summary>
    internal static string InToolWords(Exception e)
    {
        if (e is UnauthorizedAccessException)
        {
            // "Access to the path '/x' is denied."
            int start = e.Message.IndexOf("path '", StringComparison.Ordinal), end = e.Message.LastIndexOf("' is denied", StringComparison.Ordinal);
            string what = start >= 0 && end > start ? $"'{e.Message[(start + 6)..end]}'" : "a file";
            return $"permission denied on {what}: run pidguard as the user who owns it (or as root), or choose another file";
        }
        if (e is DirectoryNotFoundException && Quoted(e.Message) is { } missing)
            return $"cannot create '{missing}': its directory does not exist";
        if (e is IOException && e.Message.LastIndexOf(" : '", StringComparison.Ordinal) is int colon and > 0 && e.Message.EndsWith('\''))
            return $"'{e.Message[(colon + 4)..^1]}': {e.Message[..colon]}"; // "No space left on device : '/x'" becomes "'/x': No space left on device"
        return e.Message;
    }

    /// <summary>The first '...' in a .NET message ("Could not find a part of the path '/x/y'.").</summary>
    private static string? Quoted(string message)
    {
        int start = message.IndexOf('\''), end = message.LastIndexOf('\'');
        return start >= 0 && end > start ? message[(start + 1)..end] : null;
    }

}
