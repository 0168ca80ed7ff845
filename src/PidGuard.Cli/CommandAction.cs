namespace PidGuard.Cli;

/// <summary>Runs a command body and turns failures into one stderr line and an exit code.</summary>
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
        catch (IOException e)
        {
            return Fail(e.Message, environmentErrorCode);
        }
        catch (UnauthorizedAccessException e)
        {
            return Fail(e.Message, environmentErrorCode);
        }
        catch (OperationCanceledException)
        {
            return 130;
        }
    }

    public static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"pidguard: {message}");
        return code;
    }
}
