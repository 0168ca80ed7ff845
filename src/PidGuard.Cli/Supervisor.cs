using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using PidGuard.Cli.Cluster;

namespace PidGuard.Cli;

/// <summary>What a supervisor runs and how: shared by `pidguard run` (foreground) and the background supervisor of `start`.</summary>
internal sealed record SupervisorSettings
{
    public required IReadOnlyList<string> Command { get; init; }
    public RestartPolicy Restart { get; init; }
    public int? MaxRestarts { get; init; }
    public TimeSpan RestartWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>`run`: the program shares the terminal, its exit code is returned, and the files are removed whatever the end.</summary>
    public bool Foreground { get; init; }

    /// <summary>Background: the log the supervisor writes (the program's output comes through a pipe).</summary>
    public string? LogFile { get; init; }

    public long? LogMaxSize { get; init; }
    public int LogKeep { get; init; } = LogRotation.DefaultKeep;

    /// <summary>--user/--group: who the program runs as (null: as the supervisor).</summary>
    public RunAs? RunAs { get; init; }

    /// <summary>--cluster: the lease is taken before the program starts (null: host-local only).</summary>
    public ClusterSettings? Cluster { get; init; }

    /// <summary>How long to wait for the cluster lease when another host holds it (zero: fail at once).</summary>
    public TimeSpan ClusterWait { get; init; }
}

/// <summary>
/// Holds the lock and runs the program sharing it: records the program as the daemon's main process
/// (the pid file names it), forwards signals, ends what the program leaves behind when it exits
/// (its process group and any process still holding the lock: TERM, then KILL, like systemd's
/// KillMode=control-group), records every exit, and restarts by policy with backoff. A failed
/// state-file write is logged and never stops the supervision: only the lock decides liveness.
/// </summary>
internal sealed class Supervisor(DaemonPaths paths, SupervisorSettings settings, InstanceLock held)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HealthyRun = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LeftoverGrace = TimeSpan.FromSeconds(5);

    private LogFileWriter? _log;
    private ClusterGuard? _cluster;

    public async Task<int> RunAsync()
    {
        if (settings.LogFile is { } logFile)
            _log = new LogFileWriter(logFile, settings.LogMaxSize, settings.LogKeep);
        if (settings.Cluster is { } cluster)
        {
            try
            {
                _cluster = await ClusterGuard.AcquireAsync(paths, cluster, settings.ClusterWait, CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                held.Dispose(); // nothing ran: the name is free again on this host
                _log?.Dispose();
                throw;
            }
            Say(_cluster.Describe);
        }
        using var pump = _log is null ? null : LogPump.Start(_log);
        using var reopen = _log is null ? null : PosixSignalRegistration.Create(PosixSignal.SIGWINCH, ctx =>
        {
            ctx.Cancel = true;
            _log.RequestReopen();
        });
        using var signals = new SignalForwarder();
        using var notify = StartNotifyListener();
        _cluster?.Watch(signals, Say);
        Try(() => held.UpdateState(s =>
        {
            s.LogFile = settings.LogFile;
            s.RestartPolicy = RestartPolicies.Text(settings.Restart);
            s.MaxRestarts = settings.MaxRestarts;
            s.RestartWindowSeconds = settings.MaxRestarts is null ? null : settings.RestartWindow.TotalSeconds;
            s.Restarts = 0;
        }));
        var backoff = FirstBackoff;
        var recentRestarts = new Queue<DateTimeOffset>();
        int restarts = 0;
        ExitRecord? last = null;
        bool failed = false;
        while (true)
        {
            DaemonProcess program;
            lock (signals.Gate)
            {
                if (signals.IsStopping || _cluster is { MayStart: false })
                    break;
                if (_log is not null)
                    Say($"starting {ShellQuote.Join(settings.Command)}{(settings.RunAs is { } user ? $" as {user.Text}" : "")}"); // before its first line
                try
                {
                    var request = ProgramRequest(notify);
                    program = _cluster is null ? held.StartProcess(request) : _cluster.Start(() => held.StartProcess(request));
                }
                catch (PidGuardException e)
                {
                    // Like a shell: 127 only when there is no such file; one that exists but cannot be executed is 126.
                    string? notExecutable = e is ProgramNotFoundException
                        ? ProgramCheck.NotExecutable(settings.Command[0], Environment.GetEnvironmentVariable("PATH"), Environment.CurrentDirectory)
                        : null;
                    Say(notExecutable ?? $"cannot run '{settings.Command[0]}': {e.Message}");
                    last = new ExitRecord { Code = e is ProgramNotFoundException && notExecutable is null ? 127 : 126, At = DateTimeOffset.UtcNow };
                    failed = true;
                    Try(() => held.RecordMainExit(last, SupervisorPhase.Exited, null));
                    break;
                }
                signals.Attach(program);
            }
            var ran = Stopwatch.StartNew();
            using (program)
            {
                if (settings.RunAs is { Changes: true })
                    await UntilExecutedAsync(program).ConfigureAwait(false); // "running" only once the program itself runs
                Try(() => held.RecordMainProcess(program));
                last = await program.Exited.ConfigureAwait(false);
                signals.Attach(null);
                int leftovers = await held.EndLeftoversAsync(program, _cluster?.LeftoverGrace(LeftoverGrace) ?? LeftoverGrace).ConfigureAwait(false);
                program.Reap();
                pump?.Drain(); // the program's last words go before the line that says it exited
                // In the foreground a success is silent (cron mails whatever reaches stderr); the log keeps every exit.
                if (!(settings.Foreground && last.Code == 0 && last.Signal is null && leftovers == 0))
                {
                    Say($"{settings.Command[0]} (PID {program.Id}) exited: {StatusView.ExitText(last)}"
                        + (leftovers > 0 ? $"; ended {leftovers} leftover process{(leftovers == 1 ? "" : "es")} that still ran" : ""));
                }
            }
            bool stopping = signals.IsStopping;
            bool restart = !stopping && RestartPolicies.ShouldRestart(settings.Restart, last);
            bool giveUp = restart && settings.MaxRestarts is { } max && RestartsWithinWindow(recentRestarts) >= max;
            if (!restart || giveUp)
            {
                failed = giveUp || (!stopping && !RestartPolicies.IsClean(last));
                var exit = last;
                Try(() => held.RecordMainExit(exit, giveUp ? SupervisorPhase.Failed : SupervisorPhase.Exited, null));
                if (giveUp)
                    Say($"giving up: {restarts} restart{(restarts == 1 ? "" : "s")} within {TimeText.Of(settings.RestartWindow)} (--max-restarts {settings.MaxRestarts})");
                break;
            }
            if (ran.Elapsed > HealthyRun)
                backoff = FirstBackoff;
            var nextAt = DateTimeOffset.UtcNow + backoff;
            var ended = last;
            Try(() => held.RecordMainExit(ended, SupervisorPhase.Restarting, nextAt));
            Say($"restarting in {TimeText.Of(backoff)}");
            if (await Task.WhenAny(Task.Delay(backoff), signals.Stopping).ConfigureAwait(false) == signals.Stopping)
            {
                Try(() => held.RecordMainExit(ended, SupervisorPhase.Exited, null));
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            restarts++;
            recentRestarts.Enqueue(DateTimeOffset.UtcNow);
            int count = restarts;
            Try(() => held.UpdateState(s => s.Restarts = count));
        }
        bool lost = _cluster is { IsLost: true };
        if (_cluster is not null)
            await _cluster.DisposeAsync().ConfigureAwait(false); // the program and its leftovers are gone: release, then the host lock
        if (failed && !settings.Foreground)
            held.ReleaseKeepingFiles(); // status: dead, with the last exit
        else
            held.Dispose();
        if (lost)
            return ClusterGuard.LostExitCode;
        if (settings.Foreground)
            return last is null ? ExitCodes.Failure : last.Signal is { } sig ? 128 + sig : last.Code ?? ExitCodes.Failure;
        return failed ? ExitCodes.Failure : ExitCodes.Ok;
    }

    /// <summary>
    /// The `__exec-as` step has the program's PID before it becomes the program: the program is not
    /// recorded as running (so `start` does not report it started) until that step has exec'd it, or
    /// has exited (a user it cannot become, a program it cannot execute: 126). Linux only (/proc).
    /// </summary>
    private static async Task UntilExecutedAsync(DaemonProcess program)
    {
        if (!OperatingSystem.IsLinux())
            return;
        var clock = Stopwatch.StartNew();
        while (!program.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                byte[] cmdline = await File.ReadAllBytesAsync($"/proc/{program.Id.ToString(CultureInfo.InvariantCulture)}/cmdline").ConfigureAwait(false);
                if (cmdline.Length > 0 && !System.Text.Encoding.UTF8.GetString(cmdline).Split('\0').Contains(ExecAs.Verb))
                    return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return; // gone: its exit is handled by the caller
            }
            await Task.WhenAny(program.Exited, Task.Delay(5)).ConfigureAwait(false);
        }
    }

    private int RestartsWithinWindow(Queue<DateTimeOffset> recent)
    {
        var since = DateTimeOffset.UtcNow - settings.RestartWindow;
        while (recent.Count > 0 && recent.Peek() < since)
            recent.Dequeue();
        return recent.Count;
    }

    private DaemonStartInfo ProgramRequest(NotifyListener? notify)
    {
        var program = settings.RunAs is { Changes: true } runAs ? ThroughExecAs(runAs)
            : _cluster is not null ? ClusterGuard.Fenced(new DaemonStartInfo(settings.Command[0]).ResolveProgram(), settings.Command)
            : new DaemonStartInfo(settings.Command[0], settings.Command.Skip(1));
        // In the background the program leads a session of its own; in the foreground a process group,
        // unless this is a terminal's foreground job (then Ctrl-C and Ctrl-Z reach it directly).
        program.Grouping = settings.Foreground ? ProcessGrouping.Interactive : ProcessGrouping.NewSession;
        var environment = program.Environment;
        environment.Remove(InstanceLock.LockFdEnvironmentVariable);
        environment[InstanceLock.SupervisorPidEnvironmentVariable] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        environment[InstanceLock.NameEnvironmentVariable] = paths.Name;
        environment[RuntimeDirectory.EnvironmentVariable] = paths.Directory;
        environment["NOTIFY_SOCKET"] = notify?.Address;
        if (_cluster is not null)
            environment[PidGuard.Cluster.Postgres.ClusterEnvironment.EpochVariable] = _cluster.EpochText;
        if (settings.RunAs is { } user)
        {
            environment["HOME"] = user.Home;
            environment["USER"] = environment["LOGNAME"] = user.UserName ?? user.Uid.ToString(CultureInfo.InvariantCulture);
        }
        return program;
    }

    /// <summary>
    /// The program as another user: this tool again, as <see cref="ExecAs"/>, which drops to the user
    /// and execs the program (found here, in the program's PATH, so a missing one is reported as such).
    /// </summary>
    private DaemonStartInfo ThroughExecAs(RunAs runAs)
    {
        string path = new DaemonStartInfo(settings.Command[0]).ResolveProgram();
        var self = SelfCommand.Get();
        // Under a cluster lease the user's process execs this tool again to ask for the parent-death
        // signal: a change of user clears it, so it must be asked for after the switch.
        IReadOnlyList<string> command = _cluster is null ? settings.Command : [.. self, .. FencedExec.Arguments(Environment.ProcessId, path, settings.Command)];
        if (_cluster is not null)
            path = self[0];
        return new DaemonStartInfo(self[0], [.. self.Skip(1), .. ExecAs.Arguments(runAs, path, command)]);
    }

    private NotifyListener? StartNotifyListener()
    {
        try
        {
            uint self = Native.Libc.GetEUid();
            uint? program = settings.RunAs?.Uid;
            // Trust is per uid (the kernel vouches for the sender's): the supervisor's user, root, and the program's user.
            return new NotifyListener(paths, OnNotify, uid => uid == self || uid == 0 || uid == program);
        }
        catch (Exception e) when (e is PidGuardException or IOException or System.Net.Sockets.SocketException)
        {
            Say($"readiness and heartbeat notifications are off: {e.Message}");
            return null;
        }
    }

    private void OnNotify(string key, string value)
    {
        try
        {
            switch (key)
            {
                case "READY" when value == "1":
                    held.UpdateState(s => { s.Ready = true; s.HeartbeatAt = DateTimeOffset.UtcNow; });
                    break;
                case "STATUS":
                    held.UpdateState(s => s.Status = value);
                    break;
                case "WATCHDOG" when value == "1":
                    held.Heartbeat();
                    break;
                case "WATCHDOG_USEC" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long usec) && usec > 0:
                    held.UpdateState(s => s.HeartbeatIntervalMs = usec / 1000);
                    break;
            }
        }
        catch (Exception e) when (e is PidGuardException or IOException)
        {
            Say($"cannot record {key}: {e.Message}");
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // a message that arrived while the lock was being released
        }
    }

    /// <summary>Runs a state-file update; a failure (full or read-only disk) is logged and supervision goes on.</summary>
    private void Try(Action update)
    {
        try
        {
            update();
        }
        catch (Exception e) when (e is PidGuardException or IOException)
        {
            Say($"cannot update the state of {paths.Name}: {e.Message}");
        }
    }

    /// <summary>The supervisor's own lines in the log carry the local time, to the millisecond.</summary>
    public static string Timestamp() => DateTimeOffset.Now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private void Say(string message)
    {
        if (_log is not null)
            _log.WriteLine($"{Timestamp()} pidguard: {paths.Name}: {message}"); // never throws: a full disk is counted, not fatal
        else if (!Output.Quiet)
            Output.Error.WriteLine($"pidguard: {paths.Name}: {Output.Visible(message)}");
    }
}
