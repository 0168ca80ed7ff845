using System.Diagnostics;
using System.Globalization;

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

    public static async Task<int> StartAsync(DaemonPaths paths, StartRequest request, CancellationToken ct)
    {
        if (!Directory.Exists(request.WorkingDirectory))
            throw new CliError($"working directory '{request.WorkingDirectory}' does not exist", ExitCodes.Failure);
        if (request.WaitReady is not null && OperatingSystem.IsWindows())
            throw CliError.Usage("--wait-ready needs the sd_notify socket, which Windows does not have (no datagram Unix sockets); start without it");
        var supervisor = SupervisorRequest(paths, request);
        CheckProgram(request); // a program that is not there is exit 127 at once, not a failed start
        var options = new PidGuardOptions { RuntimeDirectory = paths.Directory, CommandLine = request.Command };
        using var held = InstanceLock.Acquire(paths.Name, options);
        PrepareLog(request.LogFile);
        long logStart = new FileInfo(request.LogFile).Length;
        var clock = Stopwatch.StartNew();

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

        var limit = request.WaitReady ?? ProgramStartTimeout;
        var probe = new PidGuardOptions { RuntimeDirectory = paths.Directory }; // the owner window lets the pid file follow the state file
        while (true)
        {
            var status = DaemonProbe.GetStatus(paths.Name, probe);
            var record = status.Record;
            bool ours = record?.Supervisor?.Pid == supervisorPid;
            if (status.State is DaemonState.Stale or DaemonState.NotRunning || !ours)
            {
                string how = StateFile.Read(paths.StateFile)?.LastExit is { } exit ? $" ({StatusView.ExitText(exit)})" : "";
                int code = StateFile.Read(paths.StateFile)?.LastExit?.Code == ExitCodes.CommandNotFound ? ExitCodes.CommandNotFound : ExitCodes.Failure;
                return Failed(paths, request, $"{request.Command[0]} exited during start{how}", logStart, code);
            }
            if (status.State == DaemonState.Running && status.IsIdentityVerified && (request.WaitReady is null || record!.Ready == true))
            {
                Console.Out.WriteLine(request.WaitReady is null
                    ? $"started {paths.Name} (PID: {status.Pid})"
                    : $"started {paths.Name} (PID: {status.Pid}), ready after {TimeText.Of(clock.Elapsed)}");
                return ExitCodes.Ok;
            }
            if (request.WaitReady is not null && request.Restart == RestartPolicy.No && status.State == DaemonState.Restarting && record?.LastExit is { } died)
                return await AbortAsync(paths, request, $"{request.Command[0]} exited before it was ready ({StatusView.ExitText(died)})", logStart).ConfigureAwait(false);
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

    /// <summary>The start failed after the supervisor took over: stop it (it ends the program) and free the name.</summary>
    private static async Task<int> AbortAsync(DaemonPaths paths, StartRequest request, string why, long logStart)
    {
        var outcome = await DaemonStopper.StopAsync(paths.Name, AbortSchedule, StopTarget.Process, DaemonSelector.Options(paths)).ConfigureAwait(false);
        string what = outcome.Result switch
        {
            StopResult.Terminated => $"; stopped it (TERM) and freed the name",
            StopResult.Killed => $"; killed it (KILL) and freed the name",
            StopResult.Failed => $"; could NOT stop it: {outcome.Reason} (see 'pidguard status {paths.Name}')",
            _ => "",
        };
        return Failed(paths, request, why + what, logStart);
    }

    private static int Failed(DaemonPaths paths, StartRequest request, string message, long logStart, int code = ExitCodes.Failure)
    {
        Console.Error.WriteLine($"pidguard: cannot start {paths.Name}: {message}");
        string tail = LogFiles.TailSince(request.LogFile, logStart, 20);
        if (tail.Length > 0)
        {
            Console.Error.WriteLine($"--- last lines of {request.LogFile} ---");
            Console.Error.Write(tail);
        }
        return code;
    }

    private static void PrepareLog(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            PrepareLogOnWindows(path);
            return;
        }
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        try
        {
            using var log = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode });
            File.SetUnixFileMode(log.SafeFileHandle, mode); // the umask applied at creation (0277 would make it unwritable)
        }
        catch (IOException) when (File.Exists(path))
        {
            // it exists already: appended to as it is
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot open log file '{path}': {e.Message}", ExitCodes.Failure);
        }
    }

    /// <summary>Windows has no file modes: the log inherits the runtime directory's DACL.</summary>
    private static void PrepareLogOnWindows(string path)
    {
        try
        {
            using var log = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot open log file '{path}': {e.Message}", ExitCodes.Failure);
        }
    }

    private static void CheckProgram(StartRequest request)
    {
        var program = new DaemonStartInfo(request.Command[0]) { WorkingDirectory = request.WorkingDirectory };
        foreach (var (key, value) in request.Environment)
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
    private static DaemonStartInfo SupervisorRequest(DaemonPaths paths, StartRequest request)
    {
        var args = new List<string>(SelfCommand.Get())
        {
            "supervise", "--name", paths.Name, "--dir", paths.Directory, "--log", request.LogFile,
            "--restart", RestartPolicies.Text(request.Restart),
        };
        if (request.MaxRestarts is { } max)
            args.AddRange(["--max-restarts", max.ToString(CultureInfo.InvariantCulture), "--restart-window", request.RestartWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture)]);
        args.Add("--");
        args.AddRange(request.Command);
        if (request.Umask is not null && OperatingSystem.IsWindows())
            throw CliError.Usage("--umask has no meaning on Windows: a daemon's files inherit the runtime directory's DACL");
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
        foreach (var (key, value) in request.Environment)
            supervisor.Environment[key] = value;
        return supervisor;
    }

    public static int ParseUmask(string text) =>
        text.Length is > 0 and <= 4 && text.All(c => c is >= '0' and <= '7')
            ? Convert.ToInt32(text, 8)
            : throw CliError.Usage($"--umask '{text}' must be an octal mode such as 022 or 0077");

    public static KeyValuePair<string, string> ParseEnv(string text)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
            throw CliError.Usage($"--env '{text}' must be KEY=VALUE");
        return new(text[..eq], text[(eq + 1)..]);
    }
}
