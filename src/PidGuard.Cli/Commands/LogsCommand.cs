using System.CommandLine;

namespace PidGuard.Cli.Commands;

internal static class LogsCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "Daemon name." };
        var selector = new DaemonSelector();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing what the daemon writes, across rotations (Ctrl-C to stop)." };
        var lines = new Option<int>("--lines", "-n") { Description = "How many lines from the end to print first.", DefaultValueFactory = _ => 10, HelpName = "LINES" };
        var reopen = new Option<bool>("--reopen") { Description = "Make the supervisor open the log file again (for logrotate's postrotate: pidguard logs NAME --reopen)." };
        var command = new Command("logs", "Print the tail of a daemon's log file (stdout and stderr of 'pidguard start', written by its supervisor). Example: pidguard logs web -f");
        command.Arguments.Add(name);
        selector.AddTo(command);
        command.Options.Add(follow);
        command.Options.Add(lines);
        command.Options.Add(reopen);
        command.SetAction((result, ct) => CommandAction.RunAsync(async () =>
        {
            var paths = selector.Resolve(result, result.GetValue(name));
            DaemonSelector.CheckDirectory(paths);
            if (result.GetValue(reopen))
            {
                SupervisorSignal.Send(paths, "WINCH");
                Output.Say($"asked the supervisor of {paths.Name} to reopen its log");
                return ExitCodes.Ok;
            }
            int count = result.GetValue(lines);
            if (count < 0)
                throw CliError.Usage($"--lines {count} must be 0 or more");
            string log = StateFile.Read(paths.StateFile)?.LogFile ?? StartDefinitionFiles.Load(paths)?.Definition.LogFile ?? LogFiles.DefaultPath(paths);
            if (!File.Exists(log) && !Directory.Exists(log) && !RegularFile.IsSymbolicLink(log))
                throw new CliError($"{paths.Name} has no log file '{log}'", ExitCodes.Failure);
            using var stdout = new FdStream(1);
            var file = RegularFile.OpenRead(log);
            LogFiles.WriteTail(file, count, stdout);
            if (!result.GetValue(follow))
            {
                await file.DisposeAsync().ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            try
            {
                await LogFiles.FollowAsync(log, file, stdout, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
