using System.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// The life of one held lease: the dedicated session, the heartbeat loop that owns it, and the
/// watchdog that fences the holder when no heartbeat succeeded within the renew deadline. The
/// watchdog is a thread of its own, not a timer: a heartbeat stuck in the network cannot delay it,
/// and neither can a starved thread pool (Npgsql's cancellation of a timed-out command blocks pool
/// threads; a pool timer fired up to 0.9 s late under a partition before this was a thread).
/// </summary>
internal sealed class LeaseRuntime
{
    private const int MaxWaitSliceMs = 100;      // between heartbeats: how soon a stop or a dispose is seen
    private const int MaxWatchdogPeriodMs = 250; // re-check the fencing clock at least this often (suspend-safe)

    private readonly NpgsqlConnection _connection;
    private readonly LeaseTiming _timing;

    /// <summary>The timings this lease runs on.</summary>
    public LeaseTiming Timing => _timing;
    private readonly ILogger? _logger;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stopRequested = new();
    private readonly CancellationTokenSource _stopLoop = new();
    private readonly Thread _watchdog;
    private readonly ManualResetEventSlim _wake = new();
    private readonly object _sync = new();
    private Task _loop = Task.CompletedTask;
    private long _deadlineMs;
    private int _isLost;
    private volatile bool _stopNotified;
    private volatile bool _markReleased;
    private volatile bool _stopRequestedPending;
    private int _stopRequestedFired;
    private ClusterHolder _holder;

    public LeaseRuntime(NpgsqlConnection connection, LeaseTiming timing, ILogger? logger, string @namespace, string name, ClusterHolder holder, long lastSuccessStartMs)
    {
        _connection = connection;
        _timing = timing;
        _logger = logger;
        Namespace = @namespace;
        Name = name;
        _holder = holder;
        _deadlineMs = lastSuccessStartMs + (long)timing.RenewDeadline.TotalMilliseconds;
        _watchdog = new Thread(WatchdogMain) { IsBackground = true, Name = $"pidguard lease {name}" };
    }

    public string Namespace { get; }

    public string Name { get; }

    public long Epoch => _holder.Epoch;

    public ClusterHolder Holder { get { lock (_sync) return _holder; } }

    public CancellationToken Lost => _lost.Token;

    public CancellationToken StopRequested => _stopRequested.Token;

    public string? LostReason { get; private set; }

    public bool IsHeld => Volatile.Read(ref _isLost) == 0 && LeaseClock.NowMs < Volatile.Read(ref _deadlineMs);

    public void Start()
    {
        _connection.Notification += (_, e) =>
        {
            if (e.Payload == $"{Namespace}/{Name}")
                _stopNotified = true;
        };
        _watchdog.Start();
        _loop = Task.Run(RunAsync);
    }

    public async Task DelayUnlessLostAsync(TimeSpan delay, CancellationToken ct)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct, Lost);
        try
        {
            await Task.Delay(delay, both.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Lost.IsCancellationRequested && !ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stops the heartbeat; marks the lease released first when asked and still held; closes the session.</summary>
    public async Task StopAsync(bool markReleased)
    {
        _markReleased = markReleased;
        await _stopLoop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _wake.Set();
        // A lease lost just before its disposal has fired Lost when the disposal returns (the watchdog fires
        // it before it exits), even if the caller saw IsHeld turn false first and exits right after.
        if (Thread.CurrentThread != _watchdog)
            await Task.Run(() => _watchdog.Join()).ConfigureAwait(false);
        await CloseAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        long next = NowMs() + Ms(_timing.RenewInterval);
        try
        {
            while (!_stopLoop.IsCancellationRequested && Volatile.Read(ref _isLost) == 0)
            {
                long wait = next - NowMs();
                if (wait > 0 && !_stopNotified)
                {
                    // Reading the socket while idle: a terminated session or a server shutdown is seen at once.
                    await _connection.WaitAsync(TimeSpan.FromMilliseconds(Math.Min(wait, MaxWaitSliceMs))).ConfigureAwait(false);
                    continue;
                }
                long started = NowMs();
                await HeartbeatAsync(started).ConfigureAwait(false);
                next = started + Ms(_timing.RenewInterval);
            }
            if (_stopLoop.IsCancellationRequested && _markReleased && IsHeld)
                await ReleaseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (Broken())
        {
            MarkLost($"the session with the server ended ({Describe(e)})");
        }
        catch (Exception e)
        {
            MarkLost($"the heartbeat loop failed ({Describe(e)})");
        }
        finally
        {
            await CloseAsync().ConfigureAwait(false);
        }
    }

    private async Task HeartbeatAsync(long started)
    {
        using var timeout = new CancellationTokenSource(_timing.HeartbeatTimeout);
        try
        {
            await using var cmd = new NpgsqlCommand(LeaseSql.Renew, _connection);
            cmd.Parameters.Add(new() { Value = Namespace });
            cmd.Parameters.Add(new() { Value = Name });
            cmd.Parameters.Add(new() { Value = Epoch });
            _stopNotified = false;
            await using var reader = await cmd.ExecuteReaderAsync(timeout.Token).ConfigureAwait(false);
            if (!await reader.ReadAsync(timeout.Token).ConfigureAwait(false))
            {
                MarkLost($"the lease row no longer carries epoch {Epoch} of this session");
                return;
            }
            var renewedAt = new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero);
            bool stopRequested = reader.GetBoolean(1);
            Extend(started);
            lock (_sync)
                _holder = _holder with { LastRenewal = renewedAt };
            if (stopRequested && !_stopRequestedPending)
            {
                if (_logger is { } log)
                    Log.StopRequested(log, Name, Epoch);
                _stopRequestedPending = true;
                _wake.Set();
            }
        }
        catch (Exception e) when (!Broken() && e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // A slow or blocked heartbeat on a live session: the next one may still succeed before the deadline.
            if (_logger is { } log)
                Log.HeartbeatFailed(log, e, Name, Epoch);
        }
    }

    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_timing.HeartbeatTimeout);
            await using var cmd = new NpgsqlCommand(LeaseSql.Release, _connection);
            cmd.Parameters.Add(new() { Value = Namespace });
            cmd.Parameters.Add(new() { Value = Name });
            cmd.Parameters.Add(new() { Value = Epoch });
            await cmd.ExecuteNonQueryAsync(timeout.Token).ConfigureAwait(false);
            if (_logger is { } log)
                Log.Released(log, Name, Epoch);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            if (_logger is { } log)
                Log.ReleaseFailed(log, e, Name);
        }
    }

    /// <summary>A heartbeat sent at <paramref name="started"/> succeeded: the deadline counts from when it was sent.</summary>
    private void Extend(long started)
    {
        long proposed = started + Ms(_timing.RenewDeadline);
        long current;
        do
        {
            current = Volatile.Read(ref _deadlineMs);
            if (proposed <= current || Volatile.Read(ref _isLost) != 0)
                return;
        }
        while (Interlocked.CompareExchange(ref _deadlineMs, proposed, current) != current);
    }

    /// <summary>Sleeps until the deadline (re-checking at least every 250 ms), then fences; fires every token on this thread.</summary>
    private void WatchdogMain()
    {
        while (true)
        {
            _wake.Reset(); // before the checks: a wake-up that comes after them still ends the wait below
            if (_stopRequestedPending && Interlocked.Exchange(ref _stopRequestedFired, 1) == 0)
                Cancel(_stopRequested);
            if (Volatile.Read(ref _isLost) == 0 && NowMs() >= Volatile.Read(ref _deadlineMs))
                SetLost($"no heartbeat succeeded within the renew deadline ({LeaseTiming.S(_timing.RenewDeadline)})");
            if (Volatile.Read(ref _isLost) != 0)
            {
                Cancel(_lost);
                return;
            }
            if (_stopLoop.IsCancellationRequested)
                return; // disposed while held
            long due = Math.Clamp(Volatile.Read(ref _deadlineMs) - NowMs(), 1, MaxWatchdogPeriodMs);
            _wake.Wait((int)due);
        }
    }

    /// <summary>Marks the lease lost (IsHeld is false from here on) and wakes the watchdog to fire <see cref="Lost"/>.</summary>
    private void MarkLost(string reason)
    {
        SetLost(reason);
        _wake.Set();
    }

    private void SetLost(string reason)
    {
        if (Interlocked.Exchange(ref _isLost, 1) != 0)
            return;
        LostReason = reason;
        if (_logger is { } log)
            Log.Lost(log, Name, Epoch, reason);
        _stopLoop.Cancel();
    }

    private void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (AggregateException e)
        {
            if (_logger is { } log)
                Log.CallbackFailed(log, e, Name);
        }
    }

    private bool Broken() => (_connection.FullState & (ConnectionState.Broken | ConnectionState.Closed)) != 0;

    private async Task CloseAsync()
    {
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private static string Describe(Exception e) => e is PostgresException p ? $"{p.SqlState}: {p.MessageText}" : e.Message;

    private static long NowMs() => LeaseClock.NowMs;

    private static long Ms(TimeSpan t) => (long)t.TotalMilliseconds;
}
