using System.CommandLine;

namespace PidGuard.Cli.Commands;

internal static class RestartCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "Daemon name." };
        var selector = new DaemonSelector();
        var timeout = StopCommand.TimeoutOption();
        var retry = StopCommand.RetryOption();
        var waitReady = StartCommand.WaitReadyOption();
        var command = new Command("restart", "Stop a daemon started by 'pidguard start', then start it again with its recorded command line, working directory, log file and restart policy.");
        command.Arguments.Add(name);
        selector.AddTo(command);
        command.Options.Add(timeout);
        command.Options.Add(retry);
        command.Options.Add(waitReady);
        command.SetAction((result, ct) => CommandAction.RunAsync(async () =>
        {
            var paths = selector.Resolve(result, result.GetValue(name));
            var schedule = StopCommand.Schedule(result.GetValue(timeout), result.GetValue(retry));
            _ = Seconds.Parse(result.GetValue(waitReady), "--wait-ready"); // a usage error before anything is stopped
            var record = StateFile.Read(paths.StateFile);
            if (record?.CommandLine is not { Count: > 0 } commandLine)
                throw new CliError($"nothing is recorded for {paths.Name} in '{paths.StateFile}'; start it with 'pidguard start {paths.Name} -- COMMAND'", ExitCodes.Failure);
            if (record.RestartPolicy is null || record.LogFile is null)
                throw new CliError($"{paths.Name} was not started by 'pidguard start'; restart it the way it was started", ExitCodes.Failure);
            var outcome = await DaemonStopper.StopAsync(paths.Name, schedule, StopTarget.Process, DaemonSelector.Options(paths), ct).ConfigureAwait(false);
            int stopped = StopCommand.Report(outcome);
            if (stopped != ExitCodes.Ok)
                return stopped;
            var ready = Seconds.Parse(result.GetValue(waitReady), "--wait-ready");
            var request = new StartRequest(commandLine, record.WorkingDirectory ?? Environment.CurrentDirectory, record.LogFile,
                RestartPolicies.Parse(record.RestartPolicy), new Dictionary<string, string>(), null, ready)
            {
                MaxRestarts = record.MaxRestarts,
                RestartWindow = TimeSpan.FromSeconds(record.RestartWindowSeconds ?? 60),
            };
            return await Starter.StartAsync(paths, request, ct).ConfigureAwait(false);
        }));
        return command;
    }
}
