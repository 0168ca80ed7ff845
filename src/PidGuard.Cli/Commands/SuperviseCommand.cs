using System.CommandLine;
using PidGuard.Cli.Cluster;

namespace PidGuard.Cli.Commands;

/// <summary>The hidden command `start` runs in the background; not for direct use.</summary>
internal static class SuperviseCommand
{
    public static Command Create()
    {
        var tokens = new Argument<string[]>("COMMAND") { Arity = ArgumentArity.OneOrMore };
        var selector = new DaemonSelector();
        var log = new Option<string>("--log") { Required = true };
        var logMaxSize = new Option<long?>("--log-max-size");
        var logKeep = new Option<int>("--log-keep") { DefaultValueFactory = _ => LogRotation.DefaultKeep };
        var restart = new Option<string>("--restart") { DefaultValueFactory = _ => "no" };
        var maxRestarts = new Option<int?>("--max-restarts");
        var window = new Option<double>("--restart-window") { DefaultValueFactory = _ => 60 };
        var user = new Option<string?>("--user");
        var group = new Option<string?>("--group");
        var command = new Command("supervise", "Internal: the supervisor process of 'pidguard start'.") { Hidden = true };
        command.Arguments.Add(tokens);
        selector.AddTo(command);
        foreach (var o in new Option[] { log, logMaxSize, logKeep, restart, maxRestarts, window, user, group })
            command.Options.Add(o);
        var cluster = new ClusterOptions(timings: true);
        cluster.AddTo(command);
        command.SetAction((result, _) => CommandAction.RunAsync(() =>
        {
            var paths = selector.Resolve(result, null);
            var settings = new SupervisorSettings
            {
                Command = result.GetValue(tokens)!,
                Restart = RestartPolicies.Parse(result.GetValue(restart)),
                MaxRestarts = result.GetValue(maxRestarts),
                RestartWindow = Seconds.Positive(result.GetValue(window), "--restart-window"),
                LogFile = result.GetValue(log),
                LogMaxSize = result.GetValue(logMaxSize),
                LogKeep = LogRotation.CheckKeep(result.GetValue(logKeep)),
                RunAs = RunAs.Resolve(result.GetValue(user), result.GetValue(group)),
                Cluster = cluster.Read(result, environmentTurnsOn: false),
            };
            var options = new PidGuardOptions { RuntimeDirectory = paths.Directory, CommandLine = settings.Command, Supervising = true };
            var held = InstanceLock.Adopt(paths.Name, options);
            return new Supervisor(paths, settings, held).RunAsync();
        }));
        return command;
    }
}
