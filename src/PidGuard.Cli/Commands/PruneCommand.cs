using System.CommandLine;

namespace PidGuard.Cli.Commands;

internal static class PruneCommand
{
    public static Command Create()
    {
        var names = new Argument<string[]>("NAME") { Arity = ArgumentArity.ZeroOrMore, Description = "Daemon names (default: every name in the runtime directory)." };
        var dir = CommonOptions.Dir();
        var command = new Command("prune", "Remove the files of daemons that are not running (stopped, dead, failed): lock, pid, state, start definition, env and the logs in the runtime directory. A running daemon is never touched. Example: pidguard prune");
        command.Arguments.Add(names);
        command.Options.Add(dir);
        command.SetAction((result, _) => CommandAction.RunAsync(() =>
        {
            string directory = RuntimeDirectory.Resolve(result.GetValue(dir));
            string[] given = result.GetValue(names) ?? [];
            foreach (string name in given)
                DaemonSelector.ValidateName(name);
            if (!Directory.Exists(directory))
            {
                if (CommonOptions.MissingDirectoryHint(directory) is { } hint)
                    Output.Error.WriteLine($"pidguard: {hint}");
                return Task.FromResult(given.Length == 0 ? ExitCodes.Ok : ExitCodes.Failure);
            }
            int failed = 0;
            foreach (string name in given.Length > 0 ? given : DaemonNames.In(directory).ToArray())
            {
                var outcome = Pruner.Prune(DaemonPaths.For(name, directory));
                switch (outcome.Result)
                {
                    case PruneResult.Removed:
                        Output.Say($"pruned {name} ({outcome.Detail})");
                        break;
                    case PruneResult.Nothing when given.Length > 0:
                        Output.Say($"{name}: nothing to prune");
                        break;
                    case PruneResult.Kept when given.Length > 0:
                        failed++;
                        Output.Error.WriteLine($"pidguard: not pruning {name}: {outcome.Detail}");
                        break;
                    case PruneResult.Kept:
                        Output.Say($"kept {name}: {outcome.Detail}");
                        break;
                }
            }
            return Task.FromResult(failed == 0 ? ExitCodes.Ok : ExitCodes.Failure);
        }));
        return command;
    }
}
