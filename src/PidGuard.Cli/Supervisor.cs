using System.ComponentModel;
using System.Diagnostics;

namespace PidGuard.Cli;

/// <summary>
/// The background half of `pidguard start`: adopts the lock handed over by `start`, runs the
/// program sharing the lock, records its PID and every exit in NAME.json, restarts it by policy
/// with backoff, forwards signals, and on TERM stops it and releases the lock. A program that
/// ended in failure (and is not restarted) leaves its pid and state files behind, so `status`
/// reports it dead (LSB 1) with its exit code.
/// </summary>
internal sealed class Supervisor(DaemonPaths paths, IReadOnlyList<string> command, RestartPolicy policy, string logFile)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HealthyRun = TimeSpan.FromSeconds(10);

    public async Task<int> RunAsync()
    {
        var options = new PidGuardOptions { RuntimeDirectory = paths.Directory, CommandLine = command };
        var held = InstanceLock.Adopt(paths.Name, options);
        held.UpdateState(s =>
        {
            s.LogFile = logFile;
            s.RestartPolicy = RestartPolicies.Text(policy);
            s.Restarts = 0;
        });
        using var signals = new SignalForwarder();
        using var notify = new NotifySocket(Path.Join(paths.Directory, "." + paths.Name + ".notify"), (key, value) => OnNotify(held, key, value));
        var backoff = FirstBackoff;
        ExitRecord? last = null;
        int restarts = 0;
        while (true)
        {
            var psi = ChildExit.StartInfo(command);
            psi.Environment["NOTIFY_SOCKET"] = notify.Path;
            psi.Environment["PIDGUARD_SUPERVISOR_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Process child;
            try
            {
                child = held.StartProcessSharingLock(psi);
            }
            catch (Win32Exception e)
            {
                Console.Error.WriteLine($"pidguard: cannot run '{command[0]}': {e.Message}");
                last = new ExitRecord { Code = 127, At = DateTimeOffset.UtcNow };
                held.UpdateState(s => { s.LastExit = last; s.ChildPid = null; s.ChildStartToken = null; });
                break;
            }
            var started = Stopwatch.StartNew();
            int childPid = child.Id;
            using (child)
            {
                signals.Attach(child);
                held.UpdateState(s =>
                {
                    s.ChildPid = child.Id;
                    s.ChildStartToken = ProcessIdentity.GetStartToken(child.Id);
                    s.Ready = null;
                });
                await child.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                signals.Attach(null);
                last = ChildExit.Of(child);
            }
            var exit = last;
            held.UpdateState(s => { s.LastExit = exit; s.ChildPid = null; s.ChildStartToken = null; s.Ready = null; });
            Console.Error.WriteLine($"pidguard: {paths.Name}: {command[0]} (PID {childPid}) exited: {StatusView.ExitText(exit)}");
            if (signals.IsStopping || !RestartPolicies.ShouldRestart(policy, exit))
                break;
            if (started.Elapsed > HealthyRun)
                backoff = FirstBackoff;
            Console.Error.WriteLine($"pidguard: {paths.Name}: restarting in {TimeText.Of(backoff)}");
            if (await Task.WhenAny(Task.Delay(backoff), signals.Stopping).ConfigureAwait(false) == signals.Stopping)
                break;
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            restarts++;
            held.UpdateState(s => s.Restarts = restarts);
        }
        bool failed = !signals.IsStopping && last is { } l && (l.Signal is not null || l.Code != 0);
        if (failed)
            held.ReleaseKeepingFiles(); // status: dead, with the exit code
        else
            held.Dispose();
        return failed ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static void OnNotify(InstanceLock held, string key, string value)
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
                case "WATCHDOG_USEC" when long.TryParse(value, out long usec) && usec > 0:
                    held.UpdateState(s => s.HeartbeatIntervalMs = usec / 1000);
                    break;
            }
        }
        catch (ObjectDisposedException)
        {
            // a message that arrived while the lock was being released
        }
        catch (InvalidOperationException)
        {
        }
    }
}
