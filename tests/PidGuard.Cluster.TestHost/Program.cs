using System.Diagnostics;
using System.Globalization;
using PidGuard;
using PidGuard.Cluster.Postgres;

// A real process for the cluster tests. Every event is one stdout line, flushed at once; times are
// Stopwatch timestamps (CLOCK_MONOTONIC, the same clock in every process on the host).
var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
void Say(string line)
{
    lock (stdout)
        stdout.WriteLine(line);
}
string Flag(string name, string? fallback = null) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"missing {name}");
long Now() => Stopwatch.GetTimestamp();
string Inv(long v) => v.ToString(CultureInfo.InvariantCulture);

PostgresClusterLock NewLock()
{
    var t = Flag("--timing").Split(',').Select(s => TimeSpan.FromMilliseconds(double.Parse(s, CultureInfo.InvariantCulture))).ToArray();
    return new PostgresClusterLock(Flag("--name"), new PostgresClusterOptions
    {
        ConnectionString = Flag("--cs"),
        HostName = Flag("--host"),
        LeaseDuration = t[0],
        RenewDeadline = t[1],
        RenewInterval = t[2],
        HeartbeatTimeout = t[3],
        ConnectTimeout = TimeSpan.FromSeconds(double.Parse(Flag("--connect-timeout-s", "2"), CultureInfo.InvariantCulture)),
        LocalOptions = new PidGuardOptions { RuntimeDirectory = Flag("--dir"), SyncWrites = false },
        Logger = new LineLogger(Say),
    });
}

try
{
    Say($"READY {Inv(Environment.ProcessId)}");
    switch (args.Length > 0 ? args[0] : "")
    {
        case "hold":
            return await Hold();
        case "race":
            return await Race();
        case "hosted":
            return await HostedWorker.RunAsync(args, Flag, Say);
        default:
            Say("ERROR unknown command");
            return 2;
    }
}
catch (Exception e)
{
    Say($"ERROR {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
    return 2;
}

// hold: acquire (--wait-ms: 0 one try, -1 forever), then work: every --work-ms check the lease and
// write a marker "pid epoch timestamp accepted" to --markers/PID; with --fence FILE each step is
// also a write to a fenced store that refuses epochs older than the newest it has seen.
async Task<int> Hold()
{
    var clusterLock = NewLock();
    long waitMs = long.Parse(Flag("--wait-ms", "0"), CultureInfo.InvariantCulture);
    var timeout = waitMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(waitMs);
    PostgresClusterLease lease;
    try
    {
        lease = await clusterLock.AcquireAsync(timeout);
    }
    catch (ClusterAlreadyRunningException e)
    {
        Say($"BUSY host={e.Host} pid={e.OwnerPid} epoch={e.Epoch} message={e.Message}");
        return 75;
    }
    long epoch = lease.Token;
    Say($"ACQUIRED epoch={Inv(epoch)} takeover_ms={Inv((long)lease.TakeoverWait.TotalMilliseconds)} t={Inv(Now())}");
    using var lostReg = lease.Lost.Register(() => Say($"LOST fired={Inv(Now())} reason={lease.LostReason}"));
    int workMs = int.Parse(Flag("--work-ms", "20"), CultureInfo.InvariantCulture);
    string markerDir = Flag("--markers");
    string? fence = Array.IndexOf(args, "--fence") >= 0 ? Flag("--fence") : null;
    using var markers = new StreamWriter(Path.Join(markerDir, Inv(Environment.ProcessId))) { AutoFlush = true };
    var handles = new[] { lease.Lost.WaitHandle, lease.StopRequested.WaitHandle };
    while (true)
    {
        if (!lease.IsHeld)
            break;
        long t = Now();
        bool accepted = fence is null || FencedStore.TryWrite(fence, epoch);
        markers.WriteLine($"{Inv(Environment.ProcessId)} {Inv(epoch)} {Inv(t)} {(accepted ? 1 : 0)}");
        if (!accepted)
            Say($"FENCED epoch={Inv(epoch)} t={Inv(t)}");
        int which = WaitHandle.WaitAny(handles, workMs);
        if (which == 1)
        {
            Say($"STOPREQ t={Inv(Now())}");
            await lease.DisposeAsync();
            Say("RELEASED");
            return 0;
        }
    }
    Say($"STOPPED t={Inv(Now())} reason={lease.LostReason}");
    await lease.DisposeAsync();
    return 3;
}

// race: --rounds rounds, round r starting at --start-at (Unix ms) + r * --period-ms; each round one
// try; the winner holds --hold-ms and releases cleanly.
async Task<int> Race()
{
    var clusterLock = NewLock();
    long startAt = long.Parse(Flag("--start-at"), CultureInfo.InvariantCulture);
    int rounds = int.Parse(Flag("--rounds"), CultureInfo.InvariantCulture);
    int period = int.Parse(Flag("--period-ms"), CultureInfo.InvariantCulture);
    int hold = int.Parse(Flag("--hold-ms"), CultureInfo.InvariantCulture);
    await clusterLock.GetStatusAsync(); // warm up (JIT, first connection) before the start line
    for (int r = 0; r < rounds; r++)
    {
        long at = startAt + (long)r * period;
        while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() < at)
            await Task.Delay(1);
        try
        {
            await using var lease = await clusterLock.AcquireAsync(TimeSpan.Zero);
            long from = Now();
            await Task.Delay(hold);
            // Printed before the release: the next holder's "from" comes after this "to" unless two held at once.
            Say($"ROUND {r} WON epoch={Inv(lease.Token)} takeover_ms={Inv((long)lease.TakeoverWait.TotalMilliseconds)} from={Inv(from)} to={Inv(Now())}");
        }
        catch (ClusterAlreadyRunningException e)
        {
            Say($"ROUND {r} BUSY host={e.Host} pid={e.OwnerPid}");
        }
    }
    Say("DONE");
    return 0;
}
