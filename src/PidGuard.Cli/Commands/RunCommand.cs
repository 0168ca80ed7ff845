using System.CommandLine;
using System.Diagnostics;
using PidGuard.Cli.Cluster;

namespace PidGuard.Cli.Commands;

internal static class RunCommand
{
    public static Command Create()
    {
        var tokens = new Argument<string[]>("NAME COMMAND") { Arity = ArgumentArity.OneOrMore, Description = "Daemon name (unless --name/--pidfile), then the command and its arguments (after --)." };
        var selector = new DaemonSelector();
        var wait = new Option<double>("--wait", "-w") { Description = "Wait up to SEC seconds for the lock (with --cluster: the host lock, then the cluster lease) instead of failing at once.", HelpName = "SEC" };
        var conflict = new Option<int>("--conflict-exit-code") { Description = "Exit code when another instance runs.", DefaultValueFactory = _ => ExitCodes.AlreadyRunning, HelpName = "N" };
        var command = new Command("run", "Run COMMAND in the foreground as the single instance of NAME: take the lock, run it holding the lock (the pid file names it), forward TERM/INT/HUP/QUIT/USR1/USR2, end what it leaves behind when it exits, remove the pid file, exit with its code (128+N when killed by signal N).");
        command.Arguments.Add(tokens);
        selector.AddTo(command);
        var user = StartCommand.UserOption();
        var group = StartCommand.GroupOption();
        command.Options.Add(wait);
        command.Options.Add(conflict);
        command.Options.Add(user);
        command.Options.Add(group);
        var cluster = new ClusterOptions(timings: true);
        cluster.AddTo(command);
        command.SetAction((result, ct) => CommandAction.RunAsync(async () =>
        {
            const string usage = "pidguard run NAME [OPTIONS] -- COMMAND [ARGS...]";
            var (name, argv) = CommandLineSplit.Split(result, tokens, selector.NamedByOption(result), usage);
            if (argv.Length == 0)
                throw CliError.Usage($"no COMMAND given: {usage}");
            var paths = selector.Resolve(result, name);
            int conflictCode = result.GetValue(conflict);
            if (conflictCode is < 1 or > 255)
                throw CliError.Usage($"--conflict-exit-code {conflictCode} must be from 1 to 255 (an exit code is one byte; 0 would mean success)");
            var waitFor = Seconds.Parse(result.GetValue(wait), "--wait");
            var runAs = RunAs.Resolve(result.GetValue(user), result.GetValue(group));
            runAs?.CheckAllowed();
            var clusterSettings = cluster.Read(result, environmentTurnsOn: true);
            if (clusterSettings is not null)
                ClusterLibrary.Options(clusterSettings, paths.Directory); // unsafe timings are a usage error before anything is locked
            var options = new PidGuardOptions { RuntimeDirectory = paths.Directory, CommandLine = argv, Supervising = true };
            var waited = Stopwatch.StartNew();
            try
            {
                var held = await InstanceLock.AcquireAsync(paths.Name, options, waitFor, ct).ConfigureAwait(false);
                var settings = new SupervisorSettings
                {
                    Command = argv, Foreground = true, RunAs = runAs, Cluster = clusterSettings,
                    ClusterWait = waitFor is { } w && w > waited.Elapsed ? w - waited.Elapsed : TimeSpan.Zero,
                };
                return await new Supervisor(paths, settings, held).RunAsync().ConfigureAwait(false);
            }
            catch (AlreadyRunningException e)
            {
                return CommandAction.Fail(e.Message, conflictCode);
            }
        }));
        return command;
    }
}
