using System.Diagnostics;
using PidGuard.Cluster.Tests.Infrastructure;

namespace PidGuard.Cluster.Tests;

/// <summary>
/// The holder is cut off by a TCP proxy that stops forwarding (sockets stay open, so the server's
/// kernel still gets acknowledgements: the server-side release comes from idle_session_timeout).
/// The holder must stop working before the server hands the lock to the waiter, every round.
/// </summary>
public sealed class PartitionTests(PostgresFixture pg) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Partitioned_holder_fences_itself_before_the_waiter_gets_the_lock_no_overlap_over_20_rounds()
    {
        int rounds = Results.Rounds("PIDGUARD_CLUSTER_PARTITION_ROUNDS", 20);
        int overlapping = 0;
        var failovers = new List<TimeSpan>();
        var leads = new List<TimeSpan>();
        var gaps = new List<TimeSpan>();
        for (int r = 0; r < rounds; r++)
        {
            string name = Names.Unique("part");
            string markersDir = _dir.Sub($"markers-{r}");
            using var proxy = new TcpProxy(pg.Server.Port);
            using var a = ClusterHost.Hold(PostgresServer.ConnectionStringFor(proxy.Port), name, "host-a", _dir.Sub($"a-{r}"), markersDir, 0);
            a.WaitFor("ACQUIRED");
            using var b = ClusterHost.Hold(pg.ConnectionString, name, "host-b", _dir.Sub($"b-{r}"), markersDir, -1);
            b.WaitFor("READY");
            Thread.Sleep(700 + Random.Shared.Next(300)); // any heartbeat phase
            long partitionedAt = Stopwatch.GetTimestamp();
            proxy.Partition();
            // The work loop's own clock check (STOPPED) and the Lost token come in either order.
            var fenced = a.WaitForAll(10_000, "LOST", "STOPPED");
            string acquired = b.WaitFor("ACQUIRED", 15_000);
            long lostAt = ClusterHost.Field(fenced["LOST"], "fired");
            // When the server granted the lock: acquired minus the time spent waiting out a's lease.
            long grantedAt = ClusterHost.Field(acquired, "t") - ClusterHost.Field(acquired, "takeover_ms") * Stopwatch.Frequency / 1000;
            Thread.Sleep(100);
            var markers = WorkMarker.ReadAll(markersDir);
            int overlap = WorkMarker.Overlap(markers, a.Pid, b.Pid, out var gap);
            overlapping += overlap;
            gaps.Add(gap);
            leads.Add(Stopwatch.GetElapsedTime(lostAt, grantedAt));
            failovers.Add(Stopwatch.GetElapsedTime(partitionedAt, WorkMarker.First(markers, b.Pid)));
            // The server frees a silent session at RenewDeadline + margin/2 (3 s) after its last activity,
            // the holder fences at RenewDeadline (2 s) after its last good heartbeat was sent: 1 s apart
            // by design (measured 1.03-1.05 s); required here: strictly before, with room for a loaded CI.
            Assert.True(lostAt < grantedAt,
                $"round {r}: the holder fenced itself only {Stopwatch.GetElapsedTime(lostAt, grantedAt)} before the server granted the lock");
            Assert.Equal(0, overlap);
        }
        Results.Report($"partition: {rounds} rounds, overlapping work markers {overlapping}; failover (partition -> successor working) min {Results.Ms(failovers.Min())} max {Results.Ms(failovers.Max())}; " +
            $"holder fenced before the server granted the lock by min {Results.Ms(leads.Min())} max {Results.Ms(leads.Max())}; gap between the holders' work min {Results.Ms(gaps.Min())}; " +
            $"failover per round: {string.Join(" ", failovers.Select(f => f.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} ms");
    }
}
