using System.CommandLine;
using System.Text.Json;
using PidGuard.Cli.Cluster;

namespace PidGuard.Cli.Commands;

internal static class StatusCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "Daemon name." };
        var selector = new DaemonSelector();
        var json = CommonOptions.Json();
        var command = new Command("status", "Show whether a daemon runs. Exit code (LSB): 0 running; 1 dead, its files remain; 2 the name is held but the program is not running (restarting, lingering); 3 not running; 4 unknown. Example: pidguard status web --json");
        command.Arguments.Add(name);
        selector.AddTo(command);
        command.Options.Add(json);
        var cluster = new ClusterOptions(timings: false);
        cluster.AddTo(command);
        command.SetAction((result, ct) => CommandAction.RunAsync(() =>
        {
            var paths = selector.Resolve(result, result.GetValue(name));
            if (cluster.Read(result, environmentTurnsOn: false) is { } settings)
                return ClusterAdminCommands.StatusAsync(paths, settings, result.GetValue(json), ct);
            return Task.FromResult(Show(paths, result.GetValue(json)));
        }, ExitCodes.Unknown));
        return command;
    }

    /// <summary>Prints the status (a line, or JSON) and returns the LSB exit code.</summary>
    public static int Show(DaemonPaths paths, bool json)
    {
        var status = DaemonProbe.GetStatus(paths.Name, DaemonSelector.Options(paths));
        if (json)
            Output.Out.WriteLine(JsonSerializer.Serialize(StatusView.ToJson(status), CliJsonContext.Relaxed.StatusJson));
        else
            Output.Say(StatusView.Line(status));
        return status.LsbExitCode;
    }
}
