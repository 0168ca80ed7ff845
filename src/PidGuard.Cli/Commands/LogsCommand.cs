using System.CommandLine;

namespace PidGuard.Cli.Commands;

internal static class LogsCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "Daemon name." };
        var selector = new DaemonSelector();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing what the daemon writes (Ctrl-C to stop)." };
        var lines = new Option<int>("--lines", "-n") { Description = "How many lines from the end to print first.", DefaultValueFactory = _ => 10, HelpName = "LINES" };
        var command = new Command("logs", "Print the tail of a daemon's log file (stdout and stderr of 'pidguard start').");
        command.Arguments.Add(name);
        selector.AddTo(command);
        command.Options.Add(follow);
        command.Options.Add(lines);
        command.SetAction((result, ct) => CommandAction.RunAsync(async () =>
        {
            var paths = selector.Resolve(result, result.GetValue(name));
            int count = result.GetValue(lines);
            if (count < 0)
                throw CliError.Usage($"--lines {count} must be 0 or more");
            string log = StateFile.Read(paths.StateFile)?.LogFile ?? LogFiles.DefaultPath(paths);
            if (!File.Exists(log))
                throw new CliError($"{paths.Name} has no log file '{log}'", ExitCodes.Failure);
            using var stdout = new FdStream(1);
            long position = LogFiles.WriteTail(log, count, stdout);
            if (!result.GetValue(follow))
                return ExitCodes.Ok;
            try
            {
                await LogFiles.FollowAsync(log, position, stdout, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
