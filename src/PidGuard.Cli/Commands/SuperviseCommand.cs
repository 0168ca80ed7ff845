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
        var command = new Command("supervise", "Internal: the supervisor process of 'pidguard start'.") { Hidden = true };
        command.Arguments.Add(tokens);
        selector.AddTo(command);
        command.Options.Add(log);
        command.Options.Add(restart);
        command.SetAction((result, _) => CommandAction.RunAsync(() =>
        {
            var paths = selector.Resolve(result, null);
            var supervisor = new Supervisor(paths, result.GetValue(tokens)!, RestartPolicies.Parse(result.GetValue(restart)), result.GetValue(log)!);
            return supervisor.RunAsync();
        }));
        return command;
    }
}
