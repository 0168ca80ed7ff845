using System.Diagnostics;
using System.Globalization;
using PidGuard.Platform;

namespace PidGuard.Cli;

/// <summary>
/// `pidguard start`: takes the lock in this process (so a conflict is reported at once with the
/// owner's PID), starts the supervisor detached in a new session with only the lock and its log
/// as descriptors, hands it the lock, and waits until the program runs (and, with --wait-ready,
/// until it sent READY=1). A start that fails stops what it started (TERM, then KILL) and leaves
/// the name free: nothing runs unseen.
/// </summary>
internal static class Starter
{
    private static readonly TimeSpan HandOffTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProgramStartTimeout = TimeSpan.FromSeconds(30);
    private static readonly StopSchedule AbortSchedule = StopSchedule.Parse("TERM/5/KILL/5");

    /// <summary>Under a restart policy a program must run this long before `start` reports it started (a crash loop is caught on its first exit).</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    private static readonly TimeSpan LoserWait = TimeSpan.FromSeconds(3);

    private static string ExitedDuringStart(StartRequest request, ExitRecord? exit) => exit?.Code switch
    {
        ExitCodes.CommandNotFound => $"{request.Command[0]}: command not found (exit 127)",
        ExitCodes.CannotExecute => $"{request.Command[0]} cannot be executed (exit 126: not a program this system can run, or no permission)",
        _ => $"{request.Command[0]} exited during start{(exit is null ? "" : $" ({StatusView.ExitText(exit)})")}",
    };

    /// <summary>127 and 126 pass through (as a shell's would); any other failed start is 1.</summary>
    private static int CodeOf(ExitRecord? exit) => exit?.Code is ExitCodes.CommandNotFound or ExitCodes.CannotExecute ? exit.Code.Value : ExitCodes.Failure;

    public static async Task<int> StartAsync(DaemonPaths paths, StartRequest request, CancellationToken ct)
    {
        if (!Directory.Exists(request.WorkingDirectory))
            throw new CliError($"working directory '{request.WorkingDirectory}' does not exist", ExitCodes.Failure);
        RunAs.Resolve(request.User, request.Group)?.CheckAllowed();
        var environment = request.ProgramEnvironment(); // a bad env file is a usage error before anything is locked
        var supervisor = SupervisorRequest(paths, request, environment);
        CheckProgram(request, environment); // a program that is not there is exit 127 at once, not a failed start
        // Supervising: while this process holds the lock to hand it over, its record says "starting, no
        // program" (pid == supervisor.pid) and there is no pid file: nothing may signal this process as the daemon.
        // A loser of two racing starts waits for the winner's program (OwnerWaitWindow) to name it, not the winner's start process.
        var options = new PidGuardOptions { RuntimeDirectory = paths.Directory, CommandLine = request.Command, Supervising = true, OwnerWaitWindow = LoserWait };
        using var held = InstanceLock.Acquire(paths.Name, options);
        PrepareLog(request.LogFile);
        var logStart = LogFiles.MarkOf(request.LogFile);
        var clock = Stopwatch.StartNew();
        var began = DateTimeOffset.UtcNow;

        int supervisorPid;
        try
        {
            supervisorPid = (await held.HandOffAsync(supervisor, HandOffTimeout, ct).ConfigureAwait(false)).ChildPid;
        }
        catch (PidGuardException e)
        {
            // HandOffAsync has stopped the supervisor and whatever it started; the lock is ours alone again.
            return Failed(paths, request, $"the supervisor did not start: {e.Message}", logStart);
        }
        catch (OperationCanceledException)
        {
            return Failed(paths, request, "interrupted before the supervisor started; nothing was left running", logStart, ExitCodes.Interrupted);
        }

        // The supervisor is watched (pinned by a pidfd, proven by the token it recorded): if it dies during
        // the start, the start fails at once and says so, instead of waiting for a program that nobody starts.
        using var supervisorHandle = PinSupervisor(paths, supervisorPid);
        // Under a cluster lease the program starts only once the previous holder's lease ran out: at most a lease duration.
        var limit = (request.WaitReady ?? ProgramStartTimeout) + (request.Cluster is null ? TimeSpan.Zero : request.Cluster.LeaseDuration ?? TimeSpan.FromSeconds(15));
        var probe = new PidGuardOptions { RuntimeDirectory = paths.Directory }; // the owner window lets the pid file follow the state file
        while (true)
        {
            if (SupervisorDied(supervisorHandle, paths, supervisorPid))
            {
                // A supervisor that found the name held by another host exits at once, leaving no record (nothing ran):
                // that is a conflict, not a death (seen when it ended before this loop's first look).
                if (request.Cluster is not null && await Cluster.ClusterConflict.FindAsync(paths, request.Cluster, supervisorPid).ConfigureAwait(false) is { } other)
                    return Failed(paths, request, other, logStart, ExitCodes.AlreadyRunning);
                return await AbortAsync(paths, request, $"its supervisor (PID {supervisorPid}) died during the start (killed, or crashed)",
                    logStart).ConfigureAwait(false);
            }
            var status = DaemonProbe.GetStatus(paths.Name, probe);
            var record = status.Record;
            bool ours = record?.Supervisor?.Pid == supervisorPid;
            if (status.State is DaemonState.Stale or DaemonState.NotRunning || !ours)
            {
                if (request.Cluster is not null && await Cluster.ClusterConflict.FindAsync(paths, request.Cluster, supervisorPid).ConfigureAwait(false) is { } holder)
                    return Failed(paths, request, holder, logStart, ExitCodes.AlreadyRunning);
                // Race: the supervisor was killed after the check above: it, not the program, is what ended.
                if (SupervisorDied(supervisorHandle, paths, supervisorPid))
                    return await AbortAsync(paths, request, $"its supervisor (PID {supervisorPid}) died during the start (killed, or crashed)", logStart).ConfigureAwait(false);
                var exit = StateFile.Read(paths.StateFile)?.LastExit;
                return Failed(paths, request, ExitedDuringStart(request, exit), logStart, CodeOf(exit));
            }
            bool settling = request.Restart != RestartPolicy.No && request.WaitReady is null && DateTimeOffset.UtcNow - record!.StartedAt < Settle;
            if (status.State == DaemonState.Running && status.IsIdentityVerified && (request.WaitReady is null || record!.Ready == true) && !settling)
            {
                Remember(paths, request);
                Output.Say(request.WaitReady is null
                    ? $"started {paths.Name} (PID: {status.Pid})"
                    : $"started {paths.Name} (PID: {status.Pid}), ready after {TimeText.Of(clock.Elapsed)}");
                return ExitCodes.Ok;
            }
            // Decided on the first exit: a program that crash-loops under a restart policy is a failed start, not "started" then dead.
            // Race: a supervisor that will not restart (phase exited or failed) holds the lock a moment longer to
            // record the exit and release: it ends on its own and keeps the record; stopping it would erase both.
            if (status.State == DaemonState.Restarting && record?.LastExit is { } died && died.At >= began && record.Phase == SupervisorPhase.Restarting)
            {
                return await AbortAsync(paths, request, request.WaitReady is null ? ExitedDuringStart(request, died) + "; not restarting it"
                    : $"{request.Command[0]} exited before it was ready ({StatusView.ExitText(died)})", logStart, CodeOf(died)).ConfigureAwait(false);
            }
            if (clock.Elapsed > limit)
            {
                return await AbortAsync(paths, request, request.WaitReady is null
                    ? $"{request.Command[0]} did not start within {TimeText.Of(limit)}"
                    : $"{request.Command[0]} did not report READY=1 within {TimeText.Of(limit)}", logStart).ConfigureAwait(false);
            }
            try
            {
                await Task.Delay(10, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return await AbortAsync(paths, request, "interrupted", logStart).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A pidfd on the supervisor this start handed the lock to (its child), or null when it is already gone.
    /// Race: its PID reused between the handoff and the pinning; the token it recorded must still match.
    /// </summary>
    private static ProcessHandle? PinSupervisor(DaemonPaths paths, int supervisorPid)
    {
        var p = Platforms.Current;
        var handle = p.OpenProcess(supervisorPid);
        if (handle is null)
            return null;
        var record = StateFile.Read(paths.StateFile);
        if (record?.Supervisor?.Pid == supervisorPid && ProcessIdentity.SupervisorMismatch(record, p) is not null)
        {
            handle.Dispose();
            return null;
        }
        return handle;
    }

    /// <summary>
    /// The supervisor is gone without having recorded why (a supervisor that ends on its own records its
    /// program's exit first: phase exited or failed): it was killed or crashed.
    /// </summary>
    private static bool SupervisorDied(ProcessHandle? supervisor, DaemonPaths paths, int supervisorPid)
    {
        if (supervisor is not null && !Platforms.Current.WaitForExit(supervisor, 0))
            return false;
        var record = StateFile.Read(paths.StateFile);
        return !(record?.Supervisor?.Pid == supervisorPid && record.Phase is SupervisorPhase.Exited or SupervisorPhase.Failed);
    }

    /// <summary>The start failed after the supervisor took over: stop it (it ends the program) and free the name.</summary>
    private static async Task<int> AbortAsync(DaemonPaths paths, StartRequest request, string why, LogFiles.Mark logStart, int code = ExitCodes.Failure)
    {
        var outcome = await DaemonStopper.StopAsync(paths, AbortSchedule, StopTarget.Process, DaemonSelector.Options(paths), CancellationToken.None,
            startingWait: TimeSpan.Zero).ConfigureAwait(false);
        string what = outcome.Result switch
        {
            StopResult.Terminated => $"; stopped it (TERM) and freed the name",
            StopResult.Killed => $"; killed it (KILL) and freed the name",
            StopResult.Failed => $"; could NOT stop it: {outcome.Reason} (see 'pidguard status {paths.Name}')",
            _ => "",
        };
        return Failed(paths, request, why + what, logStart, code);
    }

    private static int Failed(DaemonPaths paths, StartRequest request, string message, LogFiles.Mark logStart, int code = ExitCodes.Failure)
    {
        Output.Error.WriteLine($"pidguard: cannot start {paths.Name}: {message}");
        string tail = LogFiles.TailSince(request.LogFile, logStart, 20);
        if (tail.Length > 0)
        {
            Output.Error.WriteLine($"--- last lines of {request.LogFile} ---");
            Output.Error.Write(tail);
        }
        return code;
    }

    private static void PrepareLog(string path)
    {
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        try
        {
            using var log = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
            File.SetUnixFileMode(log.SafeFileHandle, mode); // the umask applied at creation (0277 would make it unwritable)
        }
        catch (IOException) when (File.Exists(path) || Directory.Exists(path))
        {
            // it exists already: appended to as it is (if it is a regular file: checked below)
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot create log file '{path}': {CommandAction.InToolWords(e)}", ExitCodes.Failure);
        }
        RegularFile.OpenAppend(path).Dispose();
    }

    /// <summary>Saves what this start was given, for `restart`; a failure to save is a warning: the daemon runs.</summary>
    private static void Remember(DaemonPaths paths, StartRequest request)
    {
        try
        {
            StartDefinitionFiles.Save(paths, request);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Output.Warn($"{paths.Name} runs, but 'restart' will not know how it was started: {CommandAction.InToolWords(e)}");
        }
    }

    private static void CheckProgram(StartRequest request, Dictionary<string, string> environment)
    {
        var program = new DaemonStartInfo(request.Command[0]) { WorkingDirectory = request.WorkingDirectory };
        foreach (var (key, value) in environment)
            program.Environment[key] = value;
        try
        {
            program.ResolveProgram();
        }
        catch (ProgramNotFoundException e)
        {
            throw new CliError(e.Message, ExitCodes.CommandNotFound);
        }
    }

    /// <summary>
    /// `pidguard supervise` in a new session (no controlling terminal, its own process group), in the
    /// daemon's working directory, stdin from /dev/null, stdout and stderr appended to the log. With
    /// --umask it is started through `sh -c 'umask M && exec ...'`: posix_spawn cannot set a umask, and
    /// the supervisor passes it on to the program.
    /// </summary>
    private static DaemonStartInfo SupervisorRequest(DaemonPaths paths, StartRequest request, Dictionary<string, string> environment)
    {
        var args = new List<string>(SelfCommand.Get())
        {
            "supervise", "--name", paths.Name, "--dir", paths.Directory, "--log", request.LogFile,
            "--log-keep", request.LogKeep.ToString(CultureInfo.InvariantCulture), "--restart", RestartPolicies.Text(request.Restart),
        };
        if (request.LogMaxSize is { } maxSize)
            args.AddRange(["--log-max-size", maxSize.ToString(CultureInfo.InvariantCulture)]);
        if (request.User is { } user)
            args.AddRange(["--user", user]);
        if (request.Group is { } group)
            args.AddRange(["--group", group]);
        if (request.MaxRestarts is { } max)
            args.AddRange(["--max-restarts", max.ToString(CultureInfo.InvariantCulture), "--restart-window", request.RestartWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture)]);
        if (request.Cluster is { } cluster)
            args.AddRange(Cluster.ClusterOptions.SupervisorArguments(cluster));
        args.Add("--");
        args.AddRange(request.Command);
        if (request.Umask is { } umask)
            args = ["/bin/sh", "-c", $"umask {Convert.ToString(umask, 8)} && exec \"$@\"", "pidguard-supervisor", .. args];
        var supervisor = new DaemonStartInfo(args[0], args.Skip(1))
        {
            WorkingDirectory = request.WorkingDirectory,
            StandardInput = DaemonStdio.Null,
            StandardOutput = DaemonStdio.AppendToFile(request.LogFile),
            StandardError = DaemonStdio.SameAsOutput,
            Grouping = ProcessGrouping.NewSession,
        };
        foreach (var (key, value) in environment)
            supervisor.Environment[key] = value;
        return supervisor;
    }

    public static int ParseUmask(string text) =>
        text.Length is > 0 and <= 4 && text.All(c => c is >= '0' and <= '7')
            ? Convert.ToInt32(text, 8)
            : throw CliError.Usage($"--umask '{text}' must be an octal mode such as 022 or 0077");

    /// <summary>--env KEY=VALUE..., the last one winning when a KEY is given twice (as in a shell).</summary>
    public static Dictionary<string, string> ParseEnv(IEnumerable<string> texts)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string text in texts)
        {
            int eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                throw CliError.Usage($"--env '{text}' must be KEY=VALUE");
            environment[text[..eq]] = text[(eq + 1)..];
        }
        return environment;
    }
}
