namespace PidGuard.Tests.Protocol;

/// <summary>The decision to signal, given statuses directly: nothing but a proven PID above 1 that is not this process.</summary>
public class SignalDecisionTests
{
    private const int Self = 4242;

    private static DaemonStatus Status(DaemonState state = DaemonState.Running, int? pid = 4321, bool verified = true, bool legacy = false, string? reason = null) => new()
    {
        Name = "d",
        Paths = DaemonPaths.For("d", "/nonexistent/pidguard"),
        State = state,
        Pid = pid,
        IsIdentityVerified = verified,
        IsLegacy = legacy,
        Reason = reason,
    };

    [Fact]
    public void A_proven_running_daemon_may_be_signalled_at_its_pid()
    {
        var decision = SignalDecision.For(Status(pid: 4321), Self);
        Assert.Equal(new SignalDecision(true, 4321, null), decision);
    }

    [Fact]
    public void PID_2_is_the_lowest_pid_that_may_be_signalled() =>
        Assert.True(SignalDecision.For(Status(pid: 2), Self).Allowed);

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void PID_1_and_below_are_never_signalled_even_when_the_status_claims_them_proven(int pid)
    {
        var decision = SignalDecision.For(Status(pid: pid), Self);
        Assert.False(decision.Allowed);
        Assert.Null(decision.Pid);
        Assert.Equal($"PID {pid} is never signalled", decision.Reason);
    }

    [Fact]
    public void This_process_is_never_signalled_even_when_proven()
    {
        var decision = SignalDecision.For(Status(pid: Self), Self);
        Assert.False(decision.Allowed);
        Assert.Null(decision.Pid);
        Assert.Equal($"PID {Self} is this process", decision.Reason);
    }

    [Fact]
    public void The_public_overload_refuses_the_calling_process() =>
        Assert.False(SignalDecision.For(Status(pid: Environment.ProcessId)).Allowed);

    [Fact]
    public void An_unproven_pid_is_refused_with_the_probe_reason()
    {
        var decision = SignalDecision.For(Status(verified: false, reason: "the state file names PID 9"), Self);
        Assert.False(decision.Allowed);
        Assert.Null(decision.Pid);
        Assert.Equal("the state file names PID 9", decision.Reason);
    }

    [Fact]
    public void An_unproven_pid_without_a_probe_reason_is_refused_as_not_proven() =>
        Assert.Equal("PID 4321 is not proven to be the daemon", SignalDecision.For(Status(verified: false), Self).Reason);

    [Theory]
    [InlineData(DaemonState.Restarting)]
    [InlineData(DaemonState.Lingering)]
    [InlineData(DaemonState.Stale)]
    [InlineData(DaemonState.NotRunning)]
    [InlineData(DaemonState.Unknown)]
    public void Anything_but_Running_is_refused_naming_the_state(DaemonState state)
    {
        var decision = SignalDecision.For(Status(state), Self);
        Assert.False(decision.Allowed);
        Assert.Null(decision.Pid);
        Assert.Equal($"'d' is not running ({state})", decision.Reason);
    }

    [Fact]
    public void A_legacy_pid_file_is_refused_even_when_its_process_is_proven()
    {
        var decision = SignalDecision.For(Status(legacy: true), Self);
        Assert.False(decision.Allowed);
        Assert.Null(decision.Pid);
        Assert.StartsWith("'d' has a pid file but no lock file, so PID 4321 cannot be proven", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Running_without_a_pid_is_refused_with_the_probe_reason()
    {
        var decision = SignalDecision.For(Status(pid: null, verified: false, reason: "the lock is held but there is no pid file"), Self);
        Assert.False(decision.Allowed);
        Assert.Equal("the lock is held but there is no pid file; there is no PID to signal", decision.Reason);
    }
}
