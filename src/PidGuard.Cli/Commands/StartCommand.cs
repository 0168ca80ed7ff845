using System.CommandLine;
using PidGuard.Cli.Cluster;

namespace PidGuard.Cli.Commands;

internal static class StartCommand
{
    /// <summary>
    /// A missing log file is created 0644 less the daemon's umask (the owner keeps read and write: the
    /// supervisor appends to it), O_EXCL so a link planted meanwhile is never followed; an existing one
    /// is left as it is.
    /// </summary>
    internal static void CreateLog(string path, int umask)
    {
        var mode = (UnixFileMode)((0x1A4 & ~umask) | 0x180);
        try
        {
            using var log = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
            File.SetUnixFileMode(log.SafeFileHandle, mode);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // exists already, or cannot be created: the start names the problem when it opens it
        }
    }

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

    public static Option<string?> UserOption() => CommonOptions.NotEmpty(new Option<string?>("--user", "-u")
    {
        Description = "Run the program as USER (name or uid), with its primary group (or GROUP) and supplementary groups, HOME, USER and LOGNAME; root only. Example: --user www-data",
        HelpName = "USER[:GROUP]",
    });

    public static Option<string?> GroupOption() => CommonOptions.NotEmpty(new Option<string?>("--group", "-g")
    {
        Description = "Run the program with GROUP (name or gid) as its group; root only.",
        HelpName = "GROUP",
    });

    /// <summary>
    /// The cluster scope: the connection goes to the supervisor through its environment (never its
    /// command line, which every user can read) and is kept for `restart` with the --env values (NAME.env, 0600).
    /// </summary>
    private static StartRequest WithCluster(StartRequest request, ClusterSettings cluster, DaemonPaths paths)
    {
        ClusterLibrary.Options(cluster, paths.Directory); // unsafe timings are a usage error before anything is locked
        var environment = new Dictionary<string, string>(request.Environment) { [ClusterOptions.ConnectionVariable] = cluster.Connection };
        return request with { Cluster = cluster, Environment = environment };
    }

    public static Command Create()
    {
        var tokens = new Argument<string[]>("NAME COMMAND") { Arity = ArgumentArity.OneOrMore, Description = "Daemon name (unless --name/--pidfile), then -- and the command and its arguments." };
        var selector = new DaemonSelector();
        var log = CommonOptions.NotEmpty(new Option<string?>("--log", "-l") { Description = "Write stdout and stderr to FILE (default DIR/NAME.log).", HelpName = "FILE" });
        var logMaxSize = new Option<string?>("--log-max-size") { Description = "Rotate the log when it passes SIZE (10M, 512K, 1G): NAME.log becomes NAME.log.1, .1 becomes .2 ...", HelpName = "SIZE" };
        var logKeep = new Option<int>("--log-keep") { Description = "How many rotated logs to keep (default 5).", DefaultValueFactory = _ => LogRotation.DefaultKeep, HelpName = "N" };
        var cwd = CommonOptions.NotEmpty(new Option<string?>("--cwd", "-C") { Description = "Working directory of the daemon (default: the current one).", HelpName = "DIR" });
        var env = new Option<string[]>("--env", "-e") { Description = "Set an environment variable (repeatable; the last of a KEY wins; wins over --env-file). Kept for 'restart' in DIR/NAME.env, readable only by you.", HelpName = "KEY=VALUE" };
        var envFile = new Option<string[]>("--env-file") { Description = "Read variables from FILE (KEY=VALUE lines, # comments, quotes as systemd's EnvironmentFile=; repeatable; read again by 'restart').", HelpName = "FILE" };
        var umask = new Option<string?>("--umask") { Description = "File mode creation mask of the daemon, octal (e.g. 027).", HelpName = "MASK" };
        var user = UserOption();
        var group = GroupOption();
        var waitReady = WaitReadyOption();
        var restart = RestartOption();
        var maxRestarts = MaxRestartsOption();
        var window = RestartWindowOption();
        var command = new Command("start", "Start COMMAND in the background as the single instance of NAME, supervised, logging to a file. Returns once the daemon runs; 75 if it already runs. Example: pidguard start web --log-max-size 10M --env-file /etc/web.env -- /usr/bin/web --port 8080");
        command.Arguments.Add(tokens);
        selector.AddTo(command);
        foreach (var o in new Option[] { log, logMaxSize, logKeep, cwd, env, envFile, umask, user, group, waitReady, restart, maxRestarts, window })
            command.Options.Add(o);
        var cluster = new ClusterOptions(timings: true);
        cluster.AddTo(command);
        command.SetAction((result, ct) => CommandAction.RunAsync(() =>
        {
            const string usage = "pidguard start NAME [OPTIONS] -- COMMAND [ARGS...]";
            var (name, argv) = CommandLineSplit.Split(result, tokens, selector.NamedByOption(result), usage);
            if (argv.Length == 0)
                throw CliError.Usage($"no COMMAND given: {usage}");
            var paths = selector.Resolve(result, name);
            var ready = Seconds.Positive(result.GetValue(waitReady), "--wait-ready");
            if (result.GetValue(maxRestarts) is < 0)
                throw CliError.Usage("--max-restarts must be 0 or more");
            var request = new StartRequest
            {
                Command = argv,
                WorkingDirectory = Path.GetFullPath(result.GetValue(cwd) ?? Environment.CurrentDirectory),
                LogFile = Path.GetFullPath(result.GetValue(log) ?? LogFiles.DefaultPath(paths)),
                LogMaxSize = result.GetValue(logMaxSize) is { } size ? LogRotation.ParseSize(size) : null,
                LogKeep = LogRotation.CheckKeep(result.GetValue(logKeep)),
                Restart = RestartPolicies.Parse(result.GetValue(restart)),
                Environment = Starter.ParseEnv(result.GetValue(env) ?? []),
                EnvFiles = (result.GetValue(envFile) ?? []).Select(f => f.Length == 0 ? throw CliError.Usage("--env-file must not be empty") : Path.GetFullPath(f)).ToList(),
                Umask = result.GetValue(umask) is { } m ? Starter.ParseUmask(m) : Native.Libc.CurrentUmask(), // the caller's, recorded so that restart replays it
                User = result.GetValue(user),
                Group = result.GetValue(group),
                WaitReady = ready,
                MaxRestarts = result.GetValue(maxRestarts),
                RestartWindow = Seconds.Positive(result.GetValue(window), "--restart-window"),
            };
            if (cluster.Read(result, environmentTurnsOn: true) is { } clusterSettings)
                request = WithCluster(request, clusterSettings, paths);
            if (Directory.Exists(request.WorkingDirectory))
                ProgramCheck.Resolve(argv[0], request.ProgramEnvironment(), request.WorkingDirectory); // 127 not found, 126 not executable
            RuntimeDirectory.Ensure(paths.Directory);
            if (Path.GetDirectoryName(request.LogFile) is { Length: > 0 } logDirectory && !Directory.Exists(logDirectory))
                throw new CliError($"cannot create log file '{request.LogFile}': its directory '{logDirectory}' does not exist", ExitCodes.Failure);
            CreateLog(request.LogFile, request.Umask ?? 0x12);
            return Starter.StartAsync(paths, request, ct);
        }));
        return command;
    }
}
