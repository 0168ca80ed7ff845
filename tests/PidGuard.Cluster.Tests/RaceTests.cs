using System.Globalization;
using PidGuard.Cluster.Tests.Infrastructure;

namespace PidGuard.Cluster.Tests;

/// <summary>
/// 20 processes (20 "hosts") try for one name at the same instant, round after round. The winner
/// holds for a third of the round, so that a contender slowed by 20 runtimes on 2 cores still tries
/// while it holds (a try after its clean release would rightly win). A loser names the holder it
/// met: this round's winner, or the previous round's while that one was still releasing.
/// </summary>
public sealed class RaceTests(PostgresFixture pg) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Twenty_contenders_exactly_one_winner_per_round_and_epochs_strictly_increase()
    {
        const int contenders = 20;
        int rounds = Results.Rounds("PIDGUARD_CLUSTER_RACE_ROUNDS", 5);
        const int periodMs = 3000;
        string name = Names.Unique("race");
        long startAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 10_000; // time for 20 runtimes to start and warm up on 2 cores
        var hosts = new List<ClusterHost>();
        try
        {
            for (int i = 0; i < contenders; i++)
            {
                hosts.Add(ClusterHost.Start(["race", "--cs", pg.ConnectionString, "--name", name, "--host", $"host-{i}", "--dir", _dir.Sub($"h{i}"),
                    "--timing", FastTiming.Argument, "--connect-timeout-s", "15", "--start-at", startAt.ToString(CultureInfo.InvariantCulture),
                    "--rounds", rounds.ToString(CultureInfo.InvariantCulture), "--period-ms", periodMs.ToString(CultureInfo.InvariantCulture), "--hold-ms", "1000"]));
            }
            var done = hosts.Select(h => h.WaitFor("DONE", 10_000 + rounds * periodMs + 30_000)).ToList();
            long lastEpoch = 0;
            int? previousWinner = null;
            for (int r = 0; r < rounds; r++)
            {
                string prefix = $"ROUND {r.ToString(CultureInfo.InvariantCulture)} ";
                var lines = hosts.Select(h => (Host: h, Line: h.Seen.Single(l => l.StartsWith(prefix, StringComparison.Ordinal)))).ToList();
                var winners = lines.Where(l => l.Line.Contains(" WON ", StringComparison.Ordinal)).ToList();
                var (winner, winLine) = Assert.Single(winners);
                long epoch = ClusterHost.Field(winLine, "epoch");
                Assert.True(epoch > lastEpoch, $"round {r}: epoch {epoch} after {lastEpoch}");
                // A contender that took the lock and lost its session before it could use it (a statement timeout
                // on a loaded machine) held it for a moment: it then bumped the epoch, so the winner's is not the next one.
                bool someoneElseHeldThisRound = epoch > lastEpoch + 1;
                lastEpoch = epoch;
                Assert.Equal(0, ClusterHost.Field(winLine, "takeover_ms"));
                var pids = hosts.Select(h => (long)h.Pid).ToHashSet();
                foreach (var (_, line) in lines.Where(l => l.Host != winner))
                {
                    long named = ClusterHost.Field(line, "pid");
                    bool fits = named == winner.Pid || named == previousWinner || someoneElseHeldThisRound && pids.Contains(named);
                    Assert.True(fits, $"round {r}: winner {winner.Pid} (epoch {epoch}), previous {previousWinner}, loser said '{line}'");
                }
                previousWinner = winner.Pid;
            }
            Results.Report($"race: {contenders} contenders x {rounds} rounds: exactly one winner each round, epochs strictly increasing up to {lastEpoch}; every loser named a real holder's PID");
        }
        finally
        {
            foreach (var h in hosts)
                h.Dispose();
        }
    }
}
