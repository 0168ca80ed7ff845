using System.CommandLine;

namespace PidGuard.Cli.Commands;

/// <summary>The hidden command `start` runs in the background; not for direct use.</summary>
internal static class SuperviseCommand
{
    public static Command Create()
    {
        var tokens = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.OneOrMore };
        var selector = new DaemonSelector();
        var log = new Option<string>("--log") { Required = true };
        var restart = new Option<string>("--restart") { DefaultValueFactory = _ => "no" };
        var maxRestarts = new Option<int?>("--max-restarts");
        var window = new Option<double>("--restart-window") { DefaultValueFactory = _ => 60 };
        var command = new Command("supervise", "Internal: the supervisor process of 'pidguard start'.") { Hidden = true };
        command.Arguments.Add(tokens);
        selector.AddTo(command);
        foreach (var o in new Option[] { log, restart, maxRestarts, window })
            command.Options.Add(o);
        command.SetAction((result, _) => CommandAction.RunAsync(() =>
        {
            var paths = selector.Resolve(result, null);
            var settings = new SupervisorSettings
            {
                Command = result.GetValue(tokens)!,
                Restart = RestartPolicies.Parse(result.GetValue(restart)),
                MaxRestarts = result.GetValue(maxRestarts),
                RestartWindow = Seconds.Parse(result.GetValue(window), "--restart-window"),
                LogFile = result.GetValue(log),
            };
            var options = new PidGuardOptions { RuntimeDirectory = paths.Directory, CommandLine = settings.Command, Supervising = true };
            var held = InstanceLock.Adopt(paths.Name, options);
            return new Supervisor(paths, settings, held).RunAsync();
        }));
        return command;
    }
}
