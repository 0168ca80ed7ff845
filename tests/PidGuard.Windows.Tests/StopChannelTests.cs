using System.Diagnostics;
using PidGuard.Platform;
using PidGuard.Platform.Windows;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests;

/// <summary>Graceful stop without signals: the named stop event, and CTRL+BREAK.</summary>
public sealed class StopChannelTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_daemon_waiting_on_its_stop_event_wakes_when_stop_sets_it()
    {
        string name = WindowsObjectNames.StopEvent(_dir.Root, "web", global: false);
        Assert.Equal(StopEventResult.NotFound, WindowsStopEvent.Signal(name));
        using var ready = new Signal("ready");
        using var daemon = HelperProcess.Start("wait-stop", name, ready.Name);
        Assert.True(ready.Wait(Bounds.Step));

        var clock = Stopwatch.StartNew();
        Assert.Equal(StopEventResult.Signalled, WindowsStopEvent.Signal(name));
        Assert.Equal(0, daemon.WaitForExitCode());
        Assert.True(clock.ElapsedMilliseconds < 5000, $"the daemon woke only after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Stop_event_names_differ_per_directory_and_fit_the_object_namespace()
    {
        string a = WindowsObjectNames.StopEvent(@"C:\run\a", "web", global: false);
        string b = WindowsObjectNames.StopEvent(@"C:\run\b", "web", global: false);
        Assert.NotEqual(a, b);
        Assert.Equal(a, WindowsObjectNames.StopEvent(@"c:\RUN\A\", "web", global: false));
        Assert.StartsWith(@"Local\PidGuard.", a, StringComparison.Ordinal);
        Assert.DoesNotContain('\\', a[@"Local\".Length..]);
        Assert.StartsWith(@"Global\", WindowsObjectNames.StopEvent(@"C:\run\a", "web", global: true), StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_create_by_the_same_user_opens_the_same_event()
    {
        string name = WindowsObjectNames.StopEvent(_dir.Root, "twice", global: false);
        using var first = WindowsStopEvent.Create(name);
        using var second = WindowsStopEvent.Create(name);
        Assert.Equal(StopEventResult.Signalled, WindowsStopEvent.Signal(name));
        Assert.True(WindowsStopEvent.Wait(first, 0));
        Assert.True(WindowsStopEvent.Wait(second, 0));
        using var wait = WindowsStopEvent.AsWaitHandle(first);
        Assert.True(wait.WaitOne(0));
    }

    [Fact(Skip = "Wine 8 fails GenerateConsoleCtrlEvent (error 12 without a console, 6 with one): checked only on Windows",
        SkipWhen = nameof(Wine.IsRunningUnderWine), SkipType = typeof(Wine))]
    public void Ctrl_break_reaches_a_program_in_its_own_process_group()
    {
        using var ready = new Signal("ready");
        var started = WindowsProcessLauncher.Start(new WindowsStartInfo
        {
            Program = Environment.ProcessPath!,
            Arguments = [Helpers.HelperMain.Flag, "wait-break", ready.Name],
            NewProcessGroup = true,
        });
        using (started)
        {
            Assert.True(ready.Wait(Bounds.Step));
            Assert.Equal(0, WindowsConsoleControl.SendCtrlBreak(started.Pid));
            Assert.True(WindowsProcessIdentity.WaitForExit(started.Handle, Bounds.StepMs));
            Assert.Equal(0u, WindowsProcessIdentity.ExitCode(started.Handle));
        }
    }

    [Fact]
    public void Signal_accepts_term_quit_and_kill_and_refuses_the_rest_clearly()
    {
        var table = SignalTable.Linux();
        Assert.Equal(WindowsSignalAction.Graceful, WindowsSignalMap.ActionFor(table.Term, "TERM", out _));
        Assert.Equal(WindowsSignalAction.Terminate, WindowsSignalMap.ActionFor(table.Kill, "KILL", out _));
        Assert.True(table.TryParse("QUIT", out int quit));
        Assert.Equal(WindowsSignalAction.CtrlBreak, WindowsSignalMap.ActionFor(quit, "QUIT", out _));
        Assert.Null(WindowsSignalMap.ActionFor(2, "INT", out string? intRefusal));
        Assert.Contains("CTRL+C", intRefusal, StringComparison.Ordinal);
        Assert.True(table.TryParse("HUP", out int hup));
        Assert.Null(WindowsSignalMap.ActionFor(hup, "HUP", out string? hupRefusal));
        Assert.Contains("no meaning on Windows", hupRefusal, StringComparison.Ordinal);
    }
}
