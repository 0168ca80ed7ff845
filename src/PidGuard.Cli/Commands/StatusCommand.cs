using System.CommandLine;
using System.Text.Json;

namespace PidGuard.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "Daemon name." };
        var selector = new DaemonSelector();
        var json = CommonOptions.Json();
        var command = new Command("status", "Show whether a daemon runs. Exit code (LSB): 0 running, 1 dead with pid file, 3 not running, 4 unknown.");
        command.Arguments.Add(name);
        selector.AddTo(command);
        command.Options.Add(json);
        command.SetAction((result, _) => CommandAction.RunAsync(() =>
        {
            var paths = selector.Resolve(result, result.GetValue(name));
            var status = DaemonProbe.GetStatus(paths.Name, DaemonSelector.Options(paths));
            Console.Out.WriteLine(result.GetValue(json)
                ? JsonSerializer.Serialize(StatusView.ToJson(status), CliJsonContext.Default.StatusJson)
                : StatusView.Line(status));
            return Task.FromResult(status.LsbExitCode);
        }, ExitCodes.Unknown));
        return command;
    }
}
