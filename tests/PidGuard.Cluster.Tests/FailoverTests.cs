using System.Diagnostics;
using PidGuard.Cluster.Postgres;
using PidGuard.Cluster.Tests.Infrastructure;

namespace PidGuard.Cluster.Tests;

/// <summary>
/// Real processes, each standing for a host (own runtime directory, own host name), holding or
/// waiting for one name. Every holder writes timestamped work markers while it believes it holds
/// the lease; two holders' markers must never interleave.
/// </summary>
public sealed class FailoverTests(PostgresFixture pg) : IDisposable
{
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Waits until <paramref name="pid"/> has written at least one work marker.</summary>
    private List<WorkMarker> MarkersWithFirstOf(int pid)
    {
        string dir = Path.Join(_dir.Path, "markers");
        for (int i = 0; i < 200; i++)
        {
            var all = WorkMarker.ReadAll(dir);
            if (all.Any(m => m.Pid == pid))
                return all;
            Thread.Sleep(10);
        }
        throw new TimeoutException($"PID {pid} wrote no work marker");
    }

    private ClusterHost Hold(string name, string host, long waitMs, string? connectionString = null, bool fence = false) =>
        ClusterHost.Hold(connectionString ?? pg.ConnectionString, name, host, _dir.Sub(host), _dir.Sub("markers"), waitMs,
            fence ? Path.Join(_dir.Path, "fence") : null);

    [Fact]
    public async Task Two_candidates_one_wins_one_is_told_and_a_waiter_takes_over_after_a_stop_request()
    {
        string name = Names.Unique("cand");
        using var a = Hold(name, "host-a", 0);
        a.WaitFor("ACQUIRED");
        using var b = Hold(name, "host-b", 0);
        string busy = b.WaitFor("BUSY");
        Assert.Contains($"Daemon already running (host host-a, PID {a.Pid})", busy, StringComparison.Ordinal);
        Assert.True(b.WaitForExit(10_000));
        Assert.Equal(75, b.ExitCode);

        using var c = Hold(name, "host-c", -1);
        Assert.False(c.TryWaitFor("ACQUIRED", 1500, out _));
        var sw = Stopwatch.StartNew();
        var o = FastTiming.Options(pg.ConnectionString, _dir.Sub("admin"));
        Assert.True(await new PostgresClusterLock(name, o).RequestStopAsync(TestContext.Current.CancellationToken));
        a.WaitFor("RELEASED");
        string acquired = c.WaitFor("ACQUIRED");
        Assert.Equal(0, ClusterHost.Field(acquired, "takeover_ms"));
        Results.Report($"stop request -> waiter working: {Results.Ms(sw.Elapsed)} (clean release, no takeover wait)");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"{sw.Elapsed}");
    }

    [Fact]
    public void Kill9_of_the_holder_the_waiter_takes_over_within_the_lease_duration()
    {
        int rounds = Results.Rounds("PIDGUARD_CLUSTER_KILL_ROUNDS", 3);
        var failovers = new List<TimeSpan>();
        for (int r = 0; r < rounds; r++)
        {
            string name = Names.Unique("kill");
            using var a = Hold(name, "host-a", 0);
            long epochA = ClusterHost.Field(a.WaitFor("ACQUIRED"), "epoch");
            using var b = Hold(name, "host-b", -1);
            b.WaitFor("READY");
            Thread.Sleep(1000 + Random.Shared.Next(250)); // b is waiting in pg_advisory_lock; a at a random heartbeat phase
            long killedAt = a.Kill9();
            string acquired = b.WaitFor("ACQUIRED", 15_000);
            Assert.True(ClusterHost.Field(acquired, "epoch") > epochA);
            var markers = MarkersWithFirstOf(b.Pid);
            Assert.Equal(0, WorkMarker.Overlap(markers, a.Pid, b.Pid, out _));
            var failover = Stopwatch.GetElapsedTime(killedAt, WorkMarker.First(markers, b.Pid));
            failovers.Add(failover);
            Assert.True(failover <= FastTiming.LeaseDuration + Slack, $"failover {failover}");
            b.Kill9();
            Directory.Delete(Path.Join(_dir.Path, "markers"), true);
        }
        Results.Report($"kill -9: failover {string.Join(", ", failovers.Select(Results.Ms))} over {rounds} rounds (L=4 s, D=2 s, R=250 ms; bound L)");
    }

    [Fact]
    public void Sigstop_of_the_holder_then_sigcont_it_notices_at_once_stops_and_its_epoch_is_stale()
    {
        string name = Names.Unique("stop");
        using var a = Hold(name, "host-a", 0, fence: true);
        long epochA = ClusterHost.Field(a.WaitFor("ACQUIRED"), "epoch");
        using var b = Hold(name, "host-b", -1, fence: true);
        b.WaitFor("READY");
        Thread.Sleep(1000);
        long stoppedAt = Stopwatch.GetTimestamp();
        a.Signal(ClusterHost.SIGSTOP);
        string acquired = b.WaitFor("ACQUIRED", 15_000);
        long epochB = ClusterHost.Field(acquired, "epoch");
        Assert.True(epochB > epochA);
        Thread.Sleep(500); // b works while a is frozen
        long continuedAt = Stopwatch.GetTimestamp();
        a.Signal(ClusterHost.SIGCONT);
        // Whichever comes first: the work loop's own clock check (IsHeld) or the Lost token.
        var seen = a.WaitForAll(5000, "LOST", "STOPPED");
        long firstNotice = Math.Min(ClusterHost.Field(seen["LOST"], "fired"), ClusterHost.Field(seen["STOPPED"], "t"));
        var noticed = Stopwatch.GetElapsedTime(continuedAt, firstNotice);
        var lostFired = Stopwatch.GetElapsedTime(continuedAt, ClusterHost.Field(seen["LOST"], "fired"));
        Assert.True(a.WaitForExit(10_000));
        Assert.Equal(3, a.ExitCode);

        var markers = MarkersWithFirstOf(b.Pid);
        var failover = Stopwatch.GetElapsedTime(stoppedAt, WorkMarker.First(markers, b.Pid));
        // After SIGCONT the old holder may act on a belief it formed before the freeze (checked, then
        // frozen before writing): that write carries the stale epoch and the fenced store refuses it.
        var late = markers.Where(m => m.Pid == a.Pid && m.Timestamp >= continuedAt).ToList();
        Assert.True(late.Count <= 1, $"{late.Count} markers after SIGCONT");
        Assert.All(late, m => Assert.False(m.Accepted));
        Assert.All(markers.Where(m => m.Pid == b.Pid), m => Assert.True(m.Accepted));
        Assert.True(noticed < TimeSpan.FromSeconds(1), $"noticed after {noticed}");
        Assert.True(lostFired < TimeSpan.FromSeconds(1.5), $"Lost fired after {lostFired}");
        Results.Report($"SIGSTOP: successor working {Results.Ms(failover)} after SIGSTOP; old holder stopped working {Results.Ms(noticed)} after SIGCONT (Lost fired after {Results.Ms(lostFired)}); its markers after SIGCONT: {late.Count} (refused by the fenced store: {late.Count(m => !m.Accepted)}); epochs {epochA} -> {epochB}");
    }

    [Fact]
    public void PostgreSQL_restart_the_holder_fences_and_the_waiter_takes_over_with_a_larger_epoch()
    {
        string name = Names.Unique("restart");
        using var a = Hold(name, "host-a", 0);
        long epochA = ClusterHost.Field(a.WaitFor("ACQUIRED"), "epoch");
        using var b = Hold(name, "host-b", -1);
        b.WaitFor("READY");
        Thread.Sleep(1000);
        long restartAt = Stopwatch.GetTimestamp();
        pg.Server.Restart();
        string lost = a.WaitFor("LOST", 10_000);
        var noticed = Stopwatch.GetElapsedTime(restartAt, ClusterHost.Field(lost, "fired"));
        string acquired = b.WaitFor("ACQUIRED", 20_000);
        Assert.True(ClusterHost.Field(acquired, "epoch") > epochA);
        var markers = MarkersWithFirstOf(b.Pid);
        Assert.Equal(0, WorkMarker.Overlap(markers, a.Pid, b.Pid, out var gap));
        var failover = Stopwatch.GetElapsedTime(restartAt, WorkMarker.First(markers, b.Pid));
        Assert.True(noticed < TimeSpan.FromSeconds(1.5), $"noticed after {noticed}");
        Results.Report($"PostgreSQL restart: holder noticed {Results.Ms(noticed)} after pg_ctl restart began; successor working {Results.Ms(failover)} after it; gap between the two holders' work {Results.Ms(gap)}");
    }
}
