using System.Diagnostics;
using Npgsql;
using PidGuard.Cluster.Postgres;
using PidGuard.Cluster.Tests.Infrastructure;

namespace PidGuard.Cluster.Tests;

/// <summary>The lease API in one process against a real server: two "hosts" are two runtime directories.</summary>
public sealed class LeaseTests(PostgresFixture pg) : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private PostgresClusterLock Lock(string name, string host, Action<PostgresClusterOptions>? change = null)
    {
        var o = FastTiming.Options(pg.ConnectionString, _dir.Sub(host), host);
        change?.Invoke(o);
        return new PostgresClusterLock(name, o);
    }

    [Fact]
    public async Task Second_candidate_is_told_who_holds_the_name()
    {
        string name = Names.Unique("two");
        await using var first = await Lock(name, "host-a").AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        Assert.True(first.IsHeld);
        Assert.True(first.Token >= 1);

        var e = await Assert.ThrowsAsync<ClusterAlreadyRunningException>(() => Lock(name, "host-b").AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.Contains($"Daemon already running (host host-a, PID {Environment.ProcessId})", e.Message, StringComparison.Ordinal);
        Assert.Equal(first.Token, e.Epoch);
        Assert.Null(await Lock(name, "host-b").TryAcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Clean_release_hands_over_at_once_with_a_larger_token()
    {
        string name = Names.Unique("clean");
        var a = Lock(name, "host-a");
        var b = Lock(name, "host-b");
        var first = await a.AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        long token = first.Token;
        var waiting = b.AcquireAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        var sw = Stopwatch.StartNew();
        await first.DisposeAsync();
        await using var second = await waiting;
        Assert.Equal(token + 1, second.Token);
        Assert.Equal(TimeSpan.Zero, second.TakeoverWait);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"handover took {sw.Elapsed}");
        Assert.Equal("host-b", second.Holder.Host);
    }

    [Fact]
    public async Task Status_shows_holder_heartbeat_age_epoch_and_candidates()
    {
        string name = Names.Unique("status");
        var a = Lock(name, "host-a");
        Assert.Equal(ClusterState.NotRunning, (await a.GetStatusAsync(TestContext.Current.CancellationToken)).State);
        await using (var held = await a.AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken))
        {
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            var waiter = Lock(name, "host-b").TryAcquireAsync(Timeout.InfiniteTimeSpan, stopWaiting.Token);
            await Task.Delay(500, TestContext.Current.CancellationToken);
            var s = await a.GetStatusAsync(TestContext.Current.CancellationToken);
            Assert.Equal(ClusterState.Running, s.State);
            Assert.Equal(held.Token, s.Holder!.Epoch);
            Assert.Equal("host-a", s.Holder.Host);
            Assert.Equal(Environment.ProcessId, s.Holder.Pid);
            Assert.InRange(s.LastRenewalAge!.Value, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(1));
            var candidate = Assert.Single(s.Candidates);
            Assert.Equal("host-b", candidate.Host);
            Assert.Equal(Environment.ProcessId, candidate.Pid);
            Assert.Equal(held.Holder.BackendPid, s.HoldingSession!.BackendPid);
            var listed = await PostgresClusterLock.ListAsync(FastTiming.Options(pg.ConnectionString, _dir.Sub("lister")), TestContext.Current.CancellationToken);
            Assert.Contains(listed, l => l.Name == name && l.State == ClusterState.Running);
            await stopWaiting.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        }
        Assert.Equal(ClusterState.Released, (await a.GetStatusAsync(TestContext.Current.CancellationToken)).State);
    }

    [Fact]
    public async Task Stop_request_reaches_the_holder_within_one_renew_interval()
    {
        string name = Names.Unique("stop");
        var a = Lock(name, "host-a");
        await using var held = await a.AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        var seen = new TaskCompletionSource();
        using var reg = held.StopRequested.Register(() => seen.TrySetResult());
        var sw = Stopwatch.StartNew();
        Assert.True(await Lock(name, "host-b").RequestStopAsync(TestContext.Current.CancellationToken));
        await seen.Task.WaitAsync(FastTiming.RenewInterval * 4, TestContext.Current.CancellationToken);
        Assert.True(sw.Elapsed <= FastTiming.RenewInterval + TimeSpan.FromSeconds(1), $"stop seen after {sw.Elapsed}");
        Assert.True(held.IsHeld);
        Assert.False(held.Lost.IsCancellationRequested);
        await held.DisposeAsync();
        Assert.True(await a.WaitForReleaseAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Forced_stop_fences_the_holder_at_once_and_the_successor_waits_out_its_lease()
    {
        string name = Names.Unique("force");
        var a = Lock(name, "host-a");
        var held = await a.AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        var lost = new TaskCompletionSource<long>();
        using var reg = held.Lost.Register(() => lost.TrySetResult(Stopwatch.GetTimestamp()));
        var waiting = Lock(name, "host-b").AcquireAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        long forcedAt = Stopwatch.GetTimestamp();
        Assert.Equal(held.Holder.BackendPid, await Lock(name, "host-c").ForceStopAsync(TestContext.Current.CancellationToken));
        long lostAt = await lost.Task.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.True(Stopwatch.GetElapsedTime(forcedAt, lostAt) < TimeSpan.FromMilliseconds(1500), $"lost after {Stopwatch.GetElapsedTime(forcedAt, lostAt)}");
        Assert.False(held.IsHeld);
        Assert.Throws<ClusterLeaseLostException>(held.ThrowIfLost);
        await using var next = await waiting;
        long startedAt = Stopwatch.GetTimestamp();
        Assert.True(next.Token > held.Token);
        Assert.True(next.TakeoverWait > TimeSpan.Zero);
        // The successor starts no earlier than the old holder's last renewal + LeaseDuration.
        Assert.True(Stopwatch.GetElapsedTime(forcedAt, startedAt) >= FastTiming.LeaseDuration - FastTiming.RenewInterval - TimeSpan.FromMilliseconds(100),
            $"successor started {Stopwatch.GetElapsedTime(forcedAt, startedAt)} after the forced stop");
        await held.DisposeAsync();
    }

    [Fact]
    public async Task A_stuck_heartbeat_fences_the_holder_by_the_deadline_and_never_hangs()
    {
        string name = Names.Unique("stuck");
        var a = Lock(name, "host-a");
        await using var held = await a.AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        var lost = new TaskCompletionSource<long>();
        using var reg = held.Lost.Register(() => lost.TrySetResult(Stopwatch.GetTimestamp()));
        // Another session locks the lease row: every heartbeat UPDATE now blocks until it times out.
        await using var blocker = new NpgsqlConnection(pg.ConnectionString);
        await blocker.OpenAsync(TestContext.Current.CancellationToken);
        await using var tx = await blocker.BeginTransactionAsync(TestContext.Current.CancellationToken);
        await using (var cmd = new NpgsqlCommand("SELECT 1 FROM pidguard_lease WHERE name = $1 FOR UPDATE", blocker, tx))
        {
            cmd.Parameters.Add(new() { Value = name });
            await cmd.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }
        long blockedAt = Stopwatch.GetTimestamp();
        long lostAt = await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var after = Stopwatch.GetElapsedTime(blockedAt, lostAt);
        Assert.InRange(after, FastTiming.RenewDeadline - FastTiming.RenewInterval - TimeSpan.FromMilliseconds(100), FastTiming.RenewDeadline + TimeSpan.FromSeconds(1));
        Assert.Contains("renew deadline", held.LostReason, StringComparison.Ordinal);
        await tx.RollbackAsync(TestContext.Current.CancellationToken);
        var sw = Stopwatch.StartNew();
        await held.DisposeAsync();
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"dispose took {sw.Elapsed}");
    }

    [Fact]
    public async Task A_name_of_64_characters_works_and_its_session_name_fits_63_bytes()
    {
        string unique = Names.Unique("x");
        string name = unique + new string('n', 64 - unique.Length);
        var a = Lock(name, new string('h', 40));
        await using var held = await a.AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        var s = await a.GetStatusAsync(TestContext.Current.CancellationToken);
        Assert.Equal(ClusterState.Running, s.State);
        Assert.True(s.HoldingSession!.ApplicationName!.Length <= 63);
        Assert.Equal(Environment.ProcessId, s.HoldingSession.Pid);
        var e = await Assert.ThrowsAsync<ClusterAlreadyRunningException>(() => Lock(name, "other").AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.Equal(Environment.ProcessId, e.OwnerPid);
    }

    [Fact]
    public async Task Wrong_password_is_a_clear_error_naming_the_server()
    {
        var o = FastTiming.Options(PostgresServer.ConnectionStringFor(pg.Server.Port, "wrong"), _dir.Sub("pw"));
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClusterConnectionException>(() => new PostgresClusterLock(Names.Unique("pw"), o).AcquireAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        Assert.Contains($"127.0.0.1:{pg.Server.Port}/postgres as postgres", e.Message, StringComparison.Ordinal);
        Assert.Contains("authentication failed", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong", e.Message, StringComparison.Ordinal);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_server_that_is_down_is_a_clear_error_not_a_hang()
    {
        int port = PostgresServer.FreePort();
        var o = FastTiming.Options(PostgresServer.ConnectionStringFor(port), _dir.Sub("down"));
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClusterConnectionException>(() => new PostgresClusterLock(Names.Unique("down"), o).AcquireAsync(Timeout.InfiniteTimeSpan, TestContext.Current.CancellationToken));
        Assert.Contains($"Cannot connect to the cluster server 127.0.0.1:{port}/postgres as postgres", e.Message, StringComparison.Ordinal);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"took {sw.Elapsed}");
        await Assert.ThrowsAsync<ClusterConnectionException>(() => new PostgresClusterLock(Names.Unique("down"), o).GetStatusAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_server_that_does_not_answer_fails_within_the_connect_timeout()
    {
        using var proxy = new TcpProxy(pg.Server.Port);
        proxy.Partition();
        var o = FastTiming.Options(PostgresServer.ConnectionStringFor(proxy.Port), _dir.Sub("silent"));
        var sw = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<ClusterConnectionException>(() => new PostgresClusterLock(Names.Unique("silent"), o).AcquireAsync(Timeout.InfiniteTimeSpan, TestContext.Current.CancellationToken));
        Assert.Contains("no answer within 2 s", e.Message, StringComparison.Ordinal);
        Assert.InRange(sw.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task The_host_lock_is_taken_first_and_a_local_second_instance_is_refused()
    {
        string name = Names.Unique("local");
        await using var held = await Lock(name, "host-a").AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        Assert.True(File.Exists(Path.Join(_dir.Path, "host-a", name + ".lock")));
        var e = await Assert.ThrowsAsync<ClusterAlreadyRunningException>(() => Lock(name, "host-a").AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.IsType<AlreadyRunningException>(e.InnerException);
        Assert.Equal(Environment.ProcessId, e.OwnerPid);
    }

    [Fact]
    public async Task A_caller_that_holds_the_host_lock_itself_can_skip_it()
    {
        string name = Names.Unique("nohost");
        using var own = PidGuard.InstanceLock.Acquire(name, new PidGuardOptions { RuntimeDirectory = _dir.Sub("host-a"), SyncWrites = false }, cancellationToken: TestContext.Current.CancellationToken);
        await using var held = await Lock(name, "host-a", o => o.AcquireHostLock = false).AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        Assert.True(held.IsHeld);
        Assert.Null(held.Holder.StartToken);
    }

    [Fact]
    public async Task The_session_carries_the_derived_server_settings()
    {
        string name = Names.Unique("settings");
        await using var held = await Lock(name, "host-a").AcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        await using var c = new NpgsqlConnection(pg.ConnectionString);
        await c.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT application_name FROM pg_stat_activity WHERE pid = $1", c);
        cmd.Parameters.Add(new() { Value = held.Holder.BackendPid });
        Assert.Equal($"pidguard/{name}@host-a:{Environment.ProcessId}", (string?)await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }
}
