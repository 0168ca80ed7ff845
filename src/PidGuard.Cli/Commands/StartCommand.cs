using System.CommandLine;

namespace PidGuard.Cli.Commands;

internal static class StartCommand
{
    public static Option<double?> WaitReadyOption() => new("--wait-ready")
    {
        Description = "Return only once the program sends READY=1 to $NOTIFY_SOCKET (sd_notify), failing with its exit code and log tail if it dies first.",
        HelpName = "SEC",
    };

    public static Option<string> RestartOption()
    {
        var restart = new Option<string>("--restart")
        {
            Description = "Restart the program when it exits: no, on-failure or always (backoff 0.1 s doubling to 30 s). A clean exit (code 0, or killed by HUP, INT, TERM or PIPE) is not a failure.",
            DefaultValueFactory = _ => "no",
            HelpName = "POLICY",
        };
        restart.AcceptOnlyFromAmong("no", "on-failure", "always");
        return restart;
    }

    public static Option<int?> MaxRestartsOption() => new("--max-restarts")
    {
        Description = "Give up (state 'failed') after N restarts within --restart-window.",
        HelpName = "N",
    };

    public static Option<double> RestartWindowOption() => new("--restart-window")
    {
        Description = "The window of --max-restarts, in seconds (default 60).",
        DefaultValueFactory = _ => 60,
        HelpName = "SEC",
    };

    public static Command Create()
    {
        var tokens = new Argument<string[]>("NAME COMMAND") { Arity = ArgumentArity.OneOrMore, Description = "Daemon name (unless --name/--pidfile), then the command and its arguments (after --)." };
        var selector = new DaemonSelector();
        var log = CommonOptions.NotEmpty(new Option<string?>("--log", "-l") { Description = "Append stdout and stderr to FILE (default DIR/NAME.log).", HelpName = "FILE" });
        var cwd = CommonOptions.NotEmpty(new Option<string?>("--cwd", "-C") { Description = "Working directory of the daemon (default: the current one).", HelpName = "DIR" });
        var env = new Option<string[]>("--env", "-e") { Description = "Set an environment variable (repeatable).", HelpName = "KEY=VALUE" };
        var umask = new Option<string?>("--umask") { Description = "File mode creation mask of the daemon, octal (e.g. 027).", HelpName = "MASK" };
        var waitReady = WaitReadyOption();
        var restart = RestartOption();
        var maxRestarts = MaxRestartsOption();
        var window = RestartWindowOption();
        var command = new Command("start", "Start COMMAND in the background as the single instance of NAME, supervised, logging to a file. Returns once the daemon runs; 75 if it already runs.");
        command.Arguments.Add(tokens);
        selector.AddTo(command);
        foreach (var o in new Option[] { log, cwd, env, umask, waitReady, restart, maxRestarts, window })
            command.Options.Add(o);
        command.SetAction((result, ct) => CommandAction.RunAsync(() =>
        {
            const string usage = "pidguard start NAME [OPTIONS] -- COMMAND [ARGS...]";
            var (name, argv) = CommandLineSplit.Split(result, tokens, selector.NamedByOption(result), usage);
            if (argv.Length == 0)
                throw CliError.Usage($"no COMMAND given: {usage}");
            var paths = selector.Resolve(result, name);
            RuntimeDirectory.Ensure(paths.Directory);
            var ready = Seconds.Parse(result.GetValue(waitReady), "--wait-ready");
            if (result.GetValue(maxRestarts) is < 0)
                throw CliError.Usage("--max-restarts must be 0 or more");
            var request = new StartRequest(
                argv,
                Path.GetFullPath(result.GetValue(cwd) ?? Environment.CurrentDirectory),
                Path.GetFullPath(result.GetValue(log) ?? LogFiles.DefaultPath(paths)),
                RestartPolicies.Parse(result.GetValue(restart)),
                Starter.ParseEnv(result.GetValue(env) ?? []),
                result.GetValue(umask) is { } m ? Starter.ParseUmask(m) : null,
                ready)
            {
                MaxRestarts = result.GetValue(maxRestarts),
                RestartWindow = Seconds.Positive(result.GetValue(window), "--restart-window"),
            };
            return Starter.StartAsync(paths, request, ct);
        }));
        return command;
    }
}
