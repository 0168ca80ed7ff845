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
        var command = new Command("restart", "Stop a daemon started by 'pidguard start' (if it runs), then start it again with everything 'start' was given: command, working directory, --env, --env-file (read again), --umask, --user/--group, log settings, restart policy. Example: pidguard restart web");
        command.Arguments.Add(name);
        selector.AddTo(command);
        command.Options.Add(timeout);
        command.Options.Add(retry);
        command.Options.Add(waitReady);
        command.SetAction((result, ct) => CommandAction.RunAsync(async () =>
        {
            var paths = selector.Resolve(result, result.GetValue(name));
            var schedule = StopCommand.Schedule(result.GetValue(timeout), result.GetValue(retry));
            var ready = Seconds.Positive(result.GetValue(waitReady), "--wait-ready"); // a usage error before anything is stopped
            DaemonSelector.CheckDirectory(paths);
            var request = Recorded(paths, ready);
            if (request.Cluster is not null && !Cluster.ClusterFeature.IsSupported)
                Cluster.ClusterFeature.ExecCompanion(); // started with --cluster: the companion restarts it
            CheckStartable(request); // what would make the start fail is reported before anything is stopped
            ForeignDirectory.Check(paths);
            var outcome = await DaemonStopper.StopAsync(paths.Name, schedule, StopTarget.Process, DaemonSelector.Options(paths), ct).ConfigureAwait(false);
            int stopped = StopCommand.Report(outcome);
            if (stopped != ExitCodes.Ok)
                return stopped;
            RuntimeDirectory.Ensure(paths.Directory);
            StartCommand.CreateLog(request.LogFile, request.Umask ?? 0x12);
            return await Starter.StartAsync(paths, request, ct).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>
    /// A restart that could not start the daemon again must not stop it: the env files, the working
    /// directory, the command and the log's directory are checked first (exit 1, or 2 for a bad env
    /// line), and the daemon is left running.
    /// </summary>
    private static void CheckStartable(StartRequest request)
    {
        var environment = request.ProgramEnvironment(); // a broken env file: its own error (2 for a bad line)
        const string kept = "; nothing was stopped";
        if (!Directory.Exists(request.WorkingDirectory))
            throw new CliError($"cannot restart: working directory '{request.WorkingDirectory}' does not exist{kept}", ExitCodes.Failure);
        if (Path.GetDirectoryName(request.LogFile) is { Length: > 0 } logDirectory && !Directory.Exists(logDirectory))
            throw new CliError($"cannot restart: the directory of log file '{request.LogFile}' does not exist{kept}", ExitCodes.Failure);
        RunAs.Resolve(request.User, request.Group)?.CheckAllowed();
        try
        {
            ProgramCheck.Resolve(request.Command[0], environment, request.WorkingDirectory);
        }
        catch (CliError e)
        {
            throw new CliError($"cannot restart: {e.Message}{kept}", ExitCodes.Failure);
        }
    }

    /// <summary>What `start` was given: NAME.start.json (and NAME.env), or, for a daemon started by an older pidguard, its state file.</summary>
    private static StartRequest Recorded(DaemonPaths paths, TimeSpan? waitReady)
    {
        if (StartDefinitionFiles.Load(paths) is var (definition, environment))
            return definition.ToRequest(environment, waitReady);
        var record = StateFile.Read(paths.StateFile);
        if (record?.CommandLine is not { Count: > 0 } commandLine)
            throw new CliError($"nothing is recorded for {paths.Name} in '{paths.Directory}'; start it with 'pidguard start {paths.Name} -- COMMAND'", ExitCodes.Failure);
        if (record.RestartPolicy is null || record.LogFile is null)
            throw new CliError($"{paths.Name} was not started by 'pidguard start'; restart it the way it was started", ExitCodes.Failure);
        return new StartRequest
        {
            Command = commandLine,
            WorkingDirectory = record.WorkingDirectory ?? Environment.CurrentDirectory,
            LogFile = record.LogFile,
            Restart = RestartPolicies.Parse(record.RestartPolicy),
            MaxRestarts = record.MaxRestarts,
            RestartWindow = TimeSpan.FromSeconds(record.RestartWindowSeconds ?? 60),
            WaitReady = waitReady,
        };
    }
}
