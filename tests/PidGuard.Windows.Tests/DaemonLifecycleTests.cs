using System.Globalization;
using System.Text.RegularExpressions;
using PidGuard.Platform.Windows;
using PidGuard.Windows.Tests.Helpers;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests;

/// <summary>
/// The library's guarantees on Windows through its public API (InstanceLock, DaemonProbe,
/// DaemonStopper, PidGuard.Hosting), each holder a separate process as in production.
/// </summary>
public sealed partial class DaemonLifecycleTests : IDisposable
{
    private const string Name = "web";
    private readonly TestDir _dir = new();

    private string RuntimeDir => _dir.File("run");
    private PidGuardOptions Options => new() { RuntimeDirectory = RuntimeDir };

    public void Dispose() => _dir.Dispose();

    private HelperProcess StartHolder()
    {
        using var ready = new Signal("held");
        var holder = HelperProcess.Start("acquire-hold", RuntimeDir, Name, ready.Name);
        Assert.True(ready.Wait(Bounds.Step), "the holder never took the name");
        return holder;
    }

    [Fact]
    public void A_conflict_names_the_owner_pid()
    {
        using var holder = StartHolder();

        var conflict = Assert.Throws<AlreadyRunningException>(() => Acquire(Options));
        Assert.Equal(holder.Pid, conflict.OwnerPid);
        Assert.Contains(holder.Pid.ToString(CultureInfo.InvariantCulture), conflict.Message, StringComparison.Ordinal);
        var status = DaemonProbe.GetStatus(Name, Options);
        Assert.Equal(DaemonState.Running, status.State);
        Assert.Equal(holder.Pid, status.Pid);
    }

    [Fact]
    public void The_name_is_recovered_once_the_holder_is_killed()
    {
        using var holder = StartHolder();
        holder.Terminate();

        Assert.Equal(DaemonState.Stale, DaemonProbe.GetStatus(Name, Options).State);
        using var recovered = Acquire(Options);
        Assert.Equal(Environment.ProcessId, DaemonProbe.GetStatus(Name, Options).Pid);
        Assert.True(File.Exists(Path.Join(RuntimeDir, Name + ".lock")), "the lock file is never deleted");
    }

    [Fact]
    public void Of_16_concurrent_acquirers_exactly_one_wins()
    {
        const int count = 16;
        // The directory exists before the race: its creation is not what this test races.
        Acquire(Options).Dispose();
        using var ready = new Counter("ready", count);
        using var go = new Signal("go");
        using var tried = new Counter("tried", count);
        using var done = new Signal("done");
        var racers = new List<HelperProcess>();
        try
        {
            for (int i = 0; i < count; i++)
                racers.Add(HelperProcess.Start("acquire-race", RuntimeDir, Name, ready.Name, go.Name, tried.Name, done.Name));
            Assert.True(ready.WaitForAll(Bounds.Step), "not every racer got ready");
            go.Set();
            Assert.True(tried.WaitForAll(Bounds.Step), "not every racer tried");
            done.Set();
            var codes = racers.Select(r => r.WaitForExitCode()).ToList();
            string seen = string.Join(", ", racers.Zip(codes, (r, c) => $"{r.Pid}:{c}"));
            Assert.True(codes.Count(c => c == LockHelpers.Won) == 1, $"winners must be exactly one; pid:exit code = {seen}");
            Assert.True(codes.Count(c => c == LockHelpers.Lost) == count - 1, $"the others must have lost; pid:exit code = {seen}");
        }
        finally
        {
            racers.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public async Task A_reused_pid_is_never_taken_for_the_daemon()
    {
        using (var holder = StartHolder())
            holder.Terminate();
        // Another process now has the recorded PID (as after reuse): same PID, another creation time.
        using var stranger = HelperProcess.Start("exit-later");
        string pidFile = Path.Join(RuntimeDir, Name + ".pid");
        string stateFile = Path.Join(RuntimeDir, Name + ".json");
        string pid = stranger.Pid.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(pidFile, pid + "\n");
        File.WriteAllText(stateFile, PidField().Replace(File.ReadAllText(stateFile), $"\"pid\":{pid}", 1));

        var status = DaemonProbe.GetStatus(Name, Options);
        Assert.NotEqual(DaemonState.Running, status.State);
        var outcome = await DaemonStopper.StopAsync(Name, StopSchedule.Parse("TERM/1/KILL/1"), options: Options, cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotEqual(StopResult.Terminated, outcome.Result);
        Assert.NotEqual(StopResult.Killed, outcome.Result);
        Assert.False(stranger.HasExited, $"the process that reused PID {pid} was stopped: {outcome}");
    }

    [Fact]
    public async Task A_hosting_app_stops_gracefully_when_its_stop_event_is_set()
    {
        string stopped = _dir.File("stopped.txt");
        using var ready = new Signal("hosted");
        using var app = HelperProcess.Start("host", RuntimeDir, Name, ready.Name, stopped);
        Assert.True(ready.Wait(Bounds.Step), "the hosting app never started its services");
        Assert.Equal(app.Pid, DaemonProbe.GetStatus(Name, Options).Pid);

        var outcome = await DaemonStopper.StopAsync(Name, StopSchedule.Parse("TERM/10/KILL/5"), options: Options, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(StopResult.Terminated, outcome.Result);
        Assert.Equal(0, app.WaitForExitCode());
        Assert.Equal("stopped gracefully", File.ReadAllText(stopped));
        Assert.Equal(DaemonState.NotRunning, DaemonProbe.GetStatus(Name, Options).State);
    }

    [Fact]
    public async Task A_program_that_ignores_its_stop_event_is_killed_after_the_wait()
    {
        using var holder = StartHolder();

        var outcome = await DaemonStopper.StopAsync(Name, StopSchedule.Parse("TERM/1/KILL/5"), options: Options, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(StopResult.Killed, outcome.Result);
        Assert.Equal("KILL", outcome.LastSignal);
        Assert.True(WindowsProcessIdentity.WaitForExit(holder.Handle, Bounds.StepMs), "the holder still runs");
        using var next = Acquire(Options);
    }

    [Fact]
    public void Signal_refuses_what_has_no_meaning_on_Windows_and_reaches_nothing()
    {
        using var holder = StartHolder();
        const int hangup = 1;

        Assert.True(Signals.IsSupported(Signals.Terminate, out _));
        Assert.True(Signals.IsSupported(Signals.Kill, out _));
        Assert.False(Signals.IsSupported(hangup, out string? reason));
        Assert.Contains("no meaning on Windows", reason, StringComparison.Ordinal);
        var outcome = DaemonSignaller.Send(Name, hangup, options: Options);
        Assert.False(outcome.Succeeded);
        Assert.Contains("no meaning on Windows", outcome.Reason, StringComparison.Ordinal);
        Assert.False(holder.HasExited);
    }

    [Fact]
    public void A_runtime_directory_others_may_write_is_refused()
    {
        string open = _dir.File("open");
        Directory.CreateDirectory(open);
        WindowsSecurityDescriptor.SetFileDacl(open, "D:P(A;OICI;FA;;;WD)");

        var error = Assert.Throws<PidGuardException>(() => Acquire(new PidGuardOptions { RuntimeDirectory = open }));
        Assert.Contains(open, error.Message, StringComparison.Ordinal);
        Assert.Contains("Everyone", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Join(open, Name + ".lock")));
    }

    private static InstanceLock Acquire(PidGuardOptions options) =>
        InstanceLock.Acquire(Name, options, cancellationToken: TestContext.Current.CancellationToken);

    [GeneratedRegex("\"pid\"\\s*:\\s*\\d+")]
    private static partial Regex PidField();
}
