namespace PidGuard.Cli;

/// <summary>An error reported as one line on stderr with an exit code.</summary>
internal sealed class CliError(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliError Usage(string message) => new(message, ExitCodes.Usage);
}
