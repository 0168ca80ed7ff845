using System.Diagnostics;
using PidGuard.Cluster.Postgres;
using PidGuard.Cluster.Tests.Infrastructure;

namespace PidGuard.Cluster.Tests;

/// <summary>
/// A generic-host worker guarded by <c>AddPidGuard(name).AddPostgresCluster(...)</c> and run with
/// RunAsDaemonAsync, as real processes standing for hosts.
/// </summary>
public sealed class HostedDaemonTests(PostgresFixture pg) : IDisposable
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ClusterHost Hosted(string name, string host, params string[] extra) =>
        ClusterHost.Start(["hosted", "--cs", pg.ConnectionString, "--name", name, "--host", host, "--dir", _dir.Sub(host), "--timing", FastTiming.Argument, .. extra]);

    private PostgresClusterLock Admin(string name) => new(name, FastTiming.Options(pg.ConnectionString, _dir.Sub("admin")));

    [Fact]
    public void A_second_host_is_refused_with_the_holders_host_and_PID_and_exits_75_before_its_work_starts()
    {
        string name = Names.Unique("hosted");
        using var a = Hosted(name, "host-a");
        a.WaitFor("WORKING");
        using var b = Hosted(name, "host-b");
        Assert.Equal("EXIT 75", b.WaitFor("EXIT", 30_000));
        Assert.True(b.WaitForExit(10_000));
        Assert.Equal(75, b.ExitCode);
        Assert.Contains(b.Seen, l => l.Contains($"Daemon already running (host host-a, PID {a.Pid})", StringComparison.Ordinal));
        Assert.DoesNotContain(b.Seen, l => l.StartsWith("WORKING", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_stop_requested_from_another_host_stops_the_holder_gracefully_and_the_next_one_gets_a_larger_token()
    {
        string name = Names.Unique("hosted");
        using var a = Hosted(name, "host-a");
        long first = ClusterHost.Field(a.WaitFor("WORKING"), "epoch");
        Assert.True(await Admin(name).RequestStopAsync(TestContext.Current.CancellationToken));
        a.WaitFor("STOPPING");
        Assert.True(a.WaitForExit(15_000));
        Assert.Equal(0, a.ExitCode);
        using var b = Hosted(name, "host-b");
        long second = ClusterHost.Field(b.WaitFor("WORKING"), "epoch");
        Assert.True(second > first, $"epoch {second} after {first}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Losing_the_lease_stops_the_host_or_ends_the_process_within_the_margin_and_exits_69(bool wedged)
    {
        string name = Names.Unique("hosted");
        using var a = wedged ? Hosted(name, "host-a", "--ignore-stop") : Hosted(name, "host-a");
        a.WaitFor("WORKING");
        Assert.NotNull(await Admin(name).ForceStopAsync(TestContext.Current.CancellationToken)); // pg_terminate_backend of its session
        string lost = a.WaitFor("SCOPE_LOST", 10_000);
        var sinceLost = Stopwatch.StartNew();
        string end = a.WaitFor(wedged ? "LOG Critical PidGuard: '" + name + "' did not stop within" : "EXIT", 10_000);
        Assert.True(a.WaitForExit(10_000));
        // The margin after Lost: FastTiming's (4 s - 2 s) / 2 = 1 s, before the server could hand the lease on.
        Assert.True(sinceLost.Elapsed < TimeSpan.FromSeconds(1) + Slack, $"exited {sinceLost.Elapsed} after losing the lease");
        Assert.Equal(69, a.ExitCode);
        Assert.Contains("reason=", lost, StringComparison.Ordinal);
        if (!wedged)
            Assert.Equal("EXIT 69", end);
    }
}
