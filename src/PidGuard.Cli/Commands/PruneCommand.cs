using System.CommandLine;

namespace PidGuard.Cli.Commands;

internal static class PruneCommand
{
    public static Command Create() => new("prune", "placeholder");
}
