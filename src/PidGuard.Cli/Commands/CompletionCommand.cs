using System.CommandLine;

namespace PidGuard.Cli.Commands;

internal static class CompletionCommand
{
    public static Command Create() => new("completion", "placeholder");
}
