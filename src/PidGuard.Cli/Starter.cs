using System.Diagnostics;
using System.Globalization;

namespace PidGuard.Cli;

/// <summary>
/// `pidguard start`: takes the lock in this process (so a conflict is reported at once with the
/// owner's PID), starts the supervisor detached in a new session with the lock inherited, waits
/// until it has adopted the lock and started the program (and, with --wait-ready, until the
/// program sent READY=1), then exits.
/// </summary>
internal static class Starter
{
    private static readonly TimeSpan HandOffTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ChildStartTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> StartAsync(DaemonPaths paths, StartRequest request, CancellationToken ct)
    {
        if (!Directory.Exists(request.WorkingDirectory))
            throw new CliError($"working directory '{request.WorkingDirectory}' does not exist", ExitCodes.Failure);
        var options = new PidGuardOptions { RuntimeDirectory = paths.Directory, CommandLine = request.Command };
        using var held = InstanceLock.Acquire(paths.Name, options);
        PrepareLog(request.LogFile);
        long logStart = new FileInfo(request.LogFile).Length;
        var startedAt = DateTimeOffset.UtcNow;

        int supervisor;
        try
        {
            supervisor = await held.HandOffAsync(SupervisorStartInfo(paths, request), HandOffTimeout, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PidGuardException or TimeoutException)
        {
            // The program may have started and died before this process saw the supervisor's PID.
            if (StateFile.Read(paths.StateFile) is { LastExit: { } exit } state && state.StartedAt >= startedAt)
                return Failed(paths, request, $"{request.Command[0]} exited during start ({StatusView.ExitText(exit)})", logStart);
            return Failed(paths, request, $"the supervisor did not start: {e.Message}", logStart);
        }

        var deadline = Stopwatch.StartNew();
        var limit = request.WaitReady ?? ChildStartTimeout;
        while (true)
        {
            var status = DaemonProbe.GetStatus(paths, new PidGuardOptions { RuntimeDirectory = paths.Directory, OwnerWaitWindow = TimeSpan.Zero });
            var record = status.Record;
            if (status.State != DaemonState.Running || record is null)
            {
                string how = StateFile.Read(paths.StateFile)?.LastExit is { } exit ? $" ({StatusView.ExitText(exit)})" : "";
                return Failed(paths, request, $"{request.Command[0]} exited during start{how}", logStart);
            }
            if (record.ChildPid is not null && (request.WaitReady is null || record.Ready == true))
            {
                Console.Out.WriteLine(request.WaitReady is null
                    ? $"started {paths.Name} (PID: {supervisor})"
                    : $"started {paths.Name} (PID: {supervisor}), ready after {TimeText.Of(deadline.Elapsed)}");
                return ExitCodes.Ok;
            }
            if (request.WaitReady is not null && record.ChildPid is null && record.LastExit is { } died && request.Restart == RestartPolicy.No)
                return Failed(paths, request, $"{request.Command[0]} exited before it was ready ({StatusView.ExitText(died)})", logStart);
            if (deadline.Elapsed > limit)
            {
                return Failed(paths, request, request.WaitReady is null
                    ? $"{request.Command[0]} did not start within {TimeText.Of(limit)}; the supervisor (PID {supervisor}) is still running"
                    : $"{request.Command[0]} did not report READY=1 within {TimeText.Of(limit)}; it is still running (PID {supervisor})", logStart);
            }
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    private static int Failed(DaemonPaths paths, StartRequest request, string message, long logStart)
    {
        Console.Error.WriteLine($"pidguard: cannot start {paths.Name}: {message}");
        string tail = LogFiles.Tail(request.LogFile, 20);
        if (tail.Length > 0 && new FileInfo(request.LogFile).Length > logStart)
        {
            Console.Error.WriteLine($"--- last lines of {request.LogFile} ---");
            Console.Error.Write(tail);
        }
        return ExitCodes.Failure;
    }

    private static void PrepareLog(string path)
    {
        try
        {
            using var _ = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"cannot open log file '{path}': {e.Message}", ExitCodes.Failure);
        }
    }

    /// <summary>
    /// setsid (new session: no controlling terminal, its own process group) and sh (stdin from
    /// /dev/null, stdout and stderr appended to the log, the umask) around `pidguard supervise`.
    /// </summary>
    private static ProcessStartInfo SupervisorStartInfo(DaemonPaths paths, StartRequest request)
    {
        string? setsid = new[] { "/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid" }.FirstOrDefault(File.Exists);
        var psi = new ProcessStartInfo(setsid ?? "/bin/sh") { UseShellExecute = false, WorkingDirectory = request.WorkingDirectory };
        if (setsid is not null)
            psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        string umask = request.Umask is { } u ? $"umask {Convert.ToString(u, 8)}; " : "";
        psi.ArgumentList.Add(umask + "exec \"$@\" </dev/null >>\"$PIDGUARD_LOG\" 2>&1");
        psi.ArgumentList.Add("pidguard-supervisor");
        foreach (string part in SelfCommand.Get())
            psi.ArgumentList.Add(part);
        foreach (string a in new[] { "supervise", "--name", paths.Name, "--dir", paths.Directory, "--log", request.LogFile, "--restart", RestartPolicies.Text(request.Restart), "--" })
            psi.ArgumentList.Add(a);
        foreach (string a in request.Command)
            psi.ArgumentList.Add(a);
        foreach (var (key, value) in request.Environment)
            psi.Environment[key] = value;
        psi.Environment["PIDGUARD_LOG"] = request.LogFile;
        return psi;
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

    public static string Seconds(double s) => s.ToString(CultureInfo.InvariantCulture);
}
