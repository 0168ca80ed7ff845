using System.CommandLine;

namespace PidGuard.Cli.Commands;

internal static class SignalCommand
{
    public static Command Create()
    {
        var args = new Argument<string[]>("NAME SIGNAL") { Arity = new ArgumentArity(1, 2), Description = "Daemon name (unless --name/--pidfile) and signal: HUP, SIGUSR1, 10, -9, RTMIN+1 ..." };
        var selector = new DaemonSelector();
        var group = StopCommand.GroupOption();
        var command = new Command("signal", "Send a signal (HUP to reload, USR1 ...) to a daemon proven by its lock and identity. Example: pidguard signal web HUP. Exit 0 sent; 1 refused (not proven, not ours); 2 usage; 3 not running; 4 state unknown.");
        command.Aliases.Add("kill");
        command.Arguments.Add(args);
        selector.AddTo(command);
        command.Options.Add(group);
        command.SetAction((result, _) => CommandAction.RunAsync(() =>
        {
            string[] values = result.GetValue(args) ?? [];
            bool byOption = selector.NamedByOption(result);
            if (values.Length != (byOption ? 1 : 2))
                throw CliError.Usage(byOption ? "give one SIGNAL after --name/--pidfile" : "usage: pidguard signal NAME SIGNAL");
            var paths = selector.Resolve(result, byOption ? null : values[0]);
            if (!SignalName.TryParse(values[^1], out int signal, out string? problem))
                throw CliError.Usage(problem!);
            ForeignDirectory.Check(paths);
            var outcome = DaemonSignaller.Send(paths.Name, signal, result.GetValue(group) ? StopTarget.ProcessGroup : StopTarget.Process, DaemonSelector.Options(paths));
            if (!outcome.Succeeded)
            {
                string reason = outcome.State == DaemonState.NotRunning && CommonOptions.MissingDirectoryHint(paths.Directory) is { } hint ? $"{outcome.Reason}: {hint}" : outcome.Reason!;
                return Task.FromResult(CommandAction.Fail($"not signalling {paths.Name}: {reason}", outcome.State switch
                {
                    DaemonState.NotRunning or DaemonState.Stale or DaemonState.Restarting => ExitCodes.NotRunning, // between restarts the program does not run
                    DaemonState.Unknown => ExitCodes.Unknown,
                    _ => ExitCodes.Failure,
                }));
            }
            Output.Say($"sent {SignalName.Of(signal)} to {paths.Name} (PID: {outcome.Pid})");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
