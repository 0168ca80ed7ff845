using System.CommandLine;
using System.CommandLine.Help;
using PidGuard.Cli.Commands;

namespace PidGuard.Cli;

/// <summary>
/// The command tree. Only the invoked command's subtree is built (a third of `status`'s start-up went
/// into building the rest); an unknown command, no command or a help request gets them all.
/// </summary>
internal static class CommandTree
{
    private const string Description = "pidguard: exactly one instance of a daemon, always findable, safely stoppable.";

    private static readonly (string Name, string? Alias, Func<Command> Create)[] Commands =
    [
        ("run", null, RunCommand.Create),
        ("start", null, StartCommand.Create),
        ("stop", null, StopCommand.Create),
        ("restart", null, RestartCommand.Create),
        ("status", null, StatusCommand.Create),
        ("list", "ls", ListCommand.Create),
        ("signal", "kill", SignalCommand.Create),
        ("logs", null, LogsCommand.Create),
        ("prune", null, PruneCommand.Create),
        ("completion", null, CompletionCommand.Create),
        ("supervise", null, SuperviseCommand.Create),
    ];

    /// <summary>Every command's name (and alias), for completion.</summary>
    public static IEnumerable<(string Name, string? Alias, Func<Command> Create)> All => Commands;

    public static (Command Root, Option<bool> Quiet) Build(string[] args)
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print no messages for people (errors and warnings still go to stderr; data asked for is still printed).", Recursive = true };
        // A plain Command as the root, so usage and help say `pidguard` whatever the binary is called.
        var root = new Command("pidguard", Description) { new HelpOption(), new VersionOption(), quiet };
        string? invoked = args.FirstOrDefault(a => !a.StartsWith('-'));
        var only = Commands.Where(c => c.Name == invoked || c.Alias == invoked).ToArray();
        foreach (var c in only.Length == 1 ? only : Commands)
            root.Subcommands.Add(c.Create());
        return (root, quiet);
    }
}
