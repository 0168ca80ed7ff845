using System.CommandLine;

namespace PidGuard.Cli.Commands;

internal static class SignalCommand
{
    public static Command Create()
    {
        var args = new Argument<string[]>("NAME SIGNAL") { Arity = new ArgumentArity(1, 2), Description = "Daemon name (unless --name/--pidfile) and signal: HUP, SIGUSR1, 10 ..." };
        var selector = new DaemonSelector();
        var group = StopCommand.GroupOption();
        var command = new Command("signal", "Send a signal (HUP to reload, USR1 ...) to a daemon proven by its lock and identity.");
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
            string signalText = values[^1];
            if (!Signals.TryParse(signalText, out int signal) || signal == 0)
                throw CliError.Usage($"unknown signal '{signalText}'");
            var outcome = DaemonSignaller.Send(paths.Name, signal, result.GetValue(group) ? StopTarget.ProcessGroup : StopTarget.Process, DaemonSelector.Options(paths));
            if (!outcome.Succeeded)
                return Task.FromResult(CommandAction.Fail($"not signalling {paths.Name}: {outcome.Reason}",
                    outcome.State == DaemonState.Running ? ExitCodes.Failure : ExitCodes.NotRunning));
            Console.Out.WriteLine($"sent {signalText.ToUpperInvariant()} to {paths.Name} (PID: {outcome.Pid})");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
