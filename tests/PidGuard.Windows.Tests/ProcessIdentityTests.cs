using PidGuard.Platform.Windows;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests;

/// <summary>(PID, creation time) as the identity; a PID alone never is.</summary>
public sealed class ProcessIdentityTests
{
    [Fact]
    public void The_start_token_is_the_creation_time_and_stays_the_same()
    {
        using var helper = HelperProcess.Start("exit-later");
        string? token = WindowsProcessIdentity.GetStartToken(helper.Pid);
        Assert.Equal(helper.StartToken, token);
        Assert.Equal(token, WindowsProcessIdentity.GetStartToken(helper.Pid));
        long creation = long.Parse(token!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTime.FromFileTimeUtc(creation), DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddSeconds(5));
        Assert.Equal(
            System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime().ToFileTimeUtc().ToString(System.Globalization.CultureInfo.InvariantCulture),
            WindowsProcessIdentity.GetStartToken(Environment.ProcessId));
    }

    [Fact]
    public void An_unknown_pid_has_no_token_and_is_not_alive()
    {
        Assert.Null(WindowsProcessIdentity.GetStartToken(0x7FFF_FFF0));
        Assert.False(WindowsProcessIdentity.IsAlive(0x7FFF_FFF0));
        Assert.Null(WindowsProcessIdentity.GetStartToken(0));
        Assert.False(WindowsProcessIdentity.IsAlive(-1));
    }

    [Fact]
    public void An_exited_process_whose_object_lingers_has_no_token()
    {
        using var helper = HelperProcess.Start("exit", "7");
        Assert.Equal(7, helper.WaitForExitCode());
        // Our handle keeps the process object (and its PID) alive; it must still not count as running.
        Assert.False(WindowsProcessIdentity.IsAlive(helper.Pid));
        Assert.Null(WindowsProcessIdentity.GetStartToken(helper.Pid));
        Assert.Null(WindowsProcessIdentity.Pin(helper.Pid, helper.StartToken));
    }

    [Fact]
    public void Pin_refuses_a_process_whose_creation_time_differs()
    {
        using var helper = HelperProcess.Start("exit-later");
        long creation = long.Parse(helper.StartToken, System.Globalization.CultureInfo.InvariantCulture);
        // What a reused PID looks like: same number, another creation time.
        string earlier = WindowsProcessIdentity.Token(creation - 1);
        Assert.Null(WindowsProcessIdentity.Pin(helper.Pid, earlier));
        using var pinned = WindowsProcessIdentity.Pin(helper.Pid, helper.StartToken);
        Assert.NotNull(pinned);
        Assert.True(WindowsProcessIdentity.Terminate(pinned, 143));
        Assert.True(WindowsProcessIdentity.WaitForExit(pinned, Bounds.StepMs));
        Assert.Equal(143u, WindowsProcessIdentity.ExitCode(pinned));
    }
}
