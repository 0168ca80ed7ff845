using System.Net.Sockets;
using System.Text;
using PidGuard.Tests.Cli;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Hosting;

public class HostingTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private DaemonStatus Status() => DaemonProbe.GetStatus("worker", _dir.Options());

    /// <summary>Until the worker is proven and its files are complete (a proven holder whose pid file is not written yet is Running too, with a reason).</summary>
    private void WaitRunning(ChildProcess w) =>
        Assert.True(SpinWait.SpinUntil(() => Status() is { State: DaemonState.Running, IsIdentityVerified: true, Reason: null } s && s.Pid == w.Pid, 30_000), w.Output);

    [Fact]
    public void Second_instance_fails_host_start_before_any_other_service_did_work()
    {
        string markers = Path.Join(_dir.Root, "markers");
        Directory.CreateDirectory(markers);
        using var first = ChildProcess.Worker(_dir, ("Worker__MarkerDir", markers));
        WaitRunning(first);
        using var second = ChildProcess.Worker(_dir, ("Worker__MarkerDir", markers));
        Assert.True(second.WaitForExit(30_000));
        Assert.Equal(75, second.ExitCode);
        Assert.Contains($"Daemon already running (PID: {first.Pid})", second.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Join(markers, $"started-{first.Pid}")));
        Assert.False(File.Exists(Path.Join(markers, $"started-{second.Pid}")), "the second instance's service started");
        Assert.Equal(first.Pid, Status().Pid);
    }

    [Fact]
    public void Graceful_stop_removes_pid_and_state_files()
    {
        using var w = ChildProcess.Worker(_dir);
        WaitRunning(w);
        w.Signal("TERM");
        Assert.True(w.WaitForExit(30_000));
        Assert.Equal(0, w.ExitCode);
        var paths = _dir.Paths("worker");
        Assert.False(File.Exists(paths.PidFile));
        Assert.False(File.Exists(paths.StateFile));
        Assert.True(File.Exists(paths.LockFile));
        Assert.Contains("released its instance lock", w.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void SIGKILL_then_restart_recovers()
    {
        var first = ChildProcess.Worker(_dir);
        WaitRunning(first);
        first.Kill();
        first.Dispose();
        Assert.Equal(DaemonState.Stale, Status().State);
        using var second = ChildProcess.Worker(_dir);
        WaitRunning(second);
        second.WaitForOutput("Recovered stale pid file");
    }

    [Fact]
    public void Heartbeat_advances_and_a_wedged_loop_shows_as_unresponsive()
    {
        using var healthy = ChildProcess.Worker(_dir, ("PidGuard__HeartbeatInterval", "00:00:00.200"));
        WaitRunning(healthy);
        var beat1 = Status().Record!.HeartbeatAt;
        Thread.Sleep(700);
        var s = Status();
        Assert.True(s.Record!.HeartbeatAt > beat1);
        Assert.False(s.IsUnresponsive);
        Assert.Equal(200, s.Record.HeartbeatIntervalMs);
        healthy.Kill();

        using var wedged = ChildProcess.Worker(_dir,
            ("PidGuard__HeartbeatInterval", "00:00:00.200"), ("PidGuard__AutomaticHeartbeat", "false"), ("Worker__WedgeAfter", "2"));
        WaitRunning(wedged);
        wedged.WaitForOutput("wedged at round 3");
        Assert.True(SpinWait.SpinUntil(() => Status().IsUnresponsive, 10_000), "never unresponsive");
        var (_, lines) = ChildProcess.RunHost("status", "worker", _dir.Runtime);
        Assert.Contains("verified=True", lines.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Readiness_is_reported_exactly_once_and_stopping_is_reported()
    {
        string socketPath = Path.Join(_dir.Root, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        socket.ReceiveTimeout = 200;
        using var w = ChildProcess.Worker(_dir, ("NOTIFY_SOCKET", socketPath), ("PidGuard__HeartbeatInterval", "00:00:00.100"));
        var messages = new List<string>();
        var buffer = new byte[4096];
        var until = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < until && !messages.Contains("READY=1"))
            Receive(socket, buffer, messages);
        until = DateTime.UtcNow.AddMilliseconds(1500);
        while (DateTime.UtcNow < until)
            Receive(socket, buffer, messages);
        w.Signal("TERM");
        until = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < until && !messages.Contains("STOPPING=1"))
            Receive(socket, buffer, messages);
        Assert.Single(messages, m => m == "READY=1");
        Assert.Contains("STOPPING=1", messages);
    }

    private static void Receive(Socket socket, byte[] buffer, List<string> into)
    {
        try
        {
            int n = socket.Receive(buffer);
            into.AddRange(Encoding.UTF8.GetString(buffer, 0, n).Split('\n'));
        }
        catch (SocketException)
        {
        }
    }

    [Fact]
    public void SIGHUP_raises_the_reload_event_and_the_daemon_keeps_running()
    {
        using var w = ChildProcess.Worker(_dir);
        WaitRunning(w);
        w.Signal("HUP");
        w.WaitForOutput("reloaded; greeting is now");
        Thread.Sleep(200);
        Assert.False(w.HasExited);
        Assert.Equal(DaemonState.Running, Status().State);
    }

    [Fact]
    public void Removing_the_pid_file_under_the_daemon_fires_PidFileLost()
    {
        using var w = ChildProcess.Worker(_dir, ("PidGuard__HeartbeatInterval", "00:00:00.100"));
        WaitRunning(w);
        File.Delete(_dir.Paths("worker").PidFile);
        w.WaitForOutput("pid file lost; stopping work");
        w.WaitForOutput("was removed or replaced under the running daemon");
    }
}

/// <summary>The worker under `pidguard start`: readiness and heartbeats go through the supervisor.</summary>
public class SupervisedWorkerTests : CliScenario
{
    [Fact]
    public void Worker_under_pidguard_start_reports_ready_and_heartbeats()
    {
        string o = Run($"""
            P start worker --wait-ready 30 --env PidGuard__HeartbeatInterval=00:00:00.200 --env Worker__IntervalMs=100 -- '{ChildProcess.Dotnet}' '{ChildProcess.WorkerDll}'; echo "START=$?"
            waitfor "$DIR/worker.json" 'processed [1-9]'
            P status worker; echo "STATUS=$?"
            P status worker --json > "$ROOT/s.json"
            P stop worker; echo "STOP=$?"
            cat "$ROOT/s.json"
            """);
        Assert.Equal("0", Value(o, "START"));
        Assert.Matches(@"started worker \(PID: \d+\), ready after", o);
        Assert.Equal("0", Value(o, "STATUS"));
        Assert.Matches(@"heartbeat \d+ ms ago, ready, status: processed \d+ batches", o);
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Contains("\"heartbeatAgeSeconds\"", o, StringComparison.Ordinal);
    }
}
