using Microsoft.Extensions.Logging;
using Npgsql;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// Acquires a lease: host-local lock first, then a dedicated session that takes the advisory lock
/// (waiting in slices when asked to), bumps the epoch, and waits out the previous holder's lease
/// when that holder did not release cleanly.
/// </summary>
internal sealed class LeaseAcquirer(PostgresClusterLock target)
{
    private const string LockNotAvailable = "55P03";

    private readonly PostgresClusterOptions _options = target.Options;
    private readonly LeaseTiming _timing = target.Timing;
    private readonly NpgsqlConnectionStringBuilder _server = target.Server;
    private readonly string _serverName = ClusterConnectionString.Describe(target.Server);
    private ILogger? Logger => _options.Logger;

    /// <summary>Returns the lease, or null when another process holds the name after <paramref name="timeout"/> (or throws, per <paramref name="throwIfHeld"/>).</summary>
    public async Task<PostgresClusterLease?> AcquireAsync(TimeSpan timeout, bool throwIfHeld, CancellationToken ct)
    {
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : LeaseClock.NowMs + (long)timeout.TotalMilliseconds;
        HostLock host;
        try
        {
            host = await HostLock.AcquireAsync(target.Name, _options.HostName, timeout, _options.LocalOptions, _options.AcquireHostLock, ct).ConfigureAwait(false);
        }
        catch (ClusterAlreadyRunningException) when (!throwIfHeld)
        {
            return null;
        }
        try
        {
            var lease = await AcquireHoldingHostLockAsync(host, deadline, throwIfHeld, ct).ConfigureAwait(false);
            if (lease is null)
                host.Dispose();
            return lease;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private async Task<PostgresClusterLease?> AcquireHoldingHostLockAsync(HostLock host, long deadline, bool throwIfHeld, CancellationToken ct)
    {
        string appName = ApplicationName.For(target.Name, _options.HostName, Environment.ProcessId);
        bool connectedOnce = false;
        int retryDelayMs = 100;
        while (true)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = await ServerConnection.OpenHolderAsync(_server, _timing, appName, ct).ConfigureAwait(false);
                connectedOnce = true;
                await LeaseSchema.EnsureAsync(connection, ct).ConfigureAwait(false);
                if (!await TakeLockAsync(connection, deadline, ct).ConfigureAwait(false))
                {
                    var holder = await ClusterAdmin.ReadHolderAsync(connection, target, ct).ConfigureAwait(false);
                    await connection.DisposeAsync().ConfigureAwait(false);
                    if (throwIfHeld)
                        throw new ClusterAlreadyRunningException(target.Name, holder.Host, holder.Pid, holder.Epoch);
                    return null;
                }
                var lease = await TakeOverAsync(connection, host, ct).ConfigureAwait(false);
                connection = null; // the lease owns it now
                if (lease is not null)
                    return lease;
            }
            catch (Exception e) when (connectedOnce && IsTransient(e) && LeaseClock.NowMs < deadline && !ct.IsCancellationRequested)
            {
                // The server went away while we waited (restart, failover): wait for it, within the timeout.
                if (Logger is { } log)
                    Log.WaitRetry(log, e, target.Name, _serverName);
                await Task.Delay(retryDelayMs, ct).ConfigureAwait(false);
                retryDelayMs = Math.Min(retryDelayMs * 2, 2000);
            }
            catch (Exception e) when (e is NpgsqlException && e is not PostgresException { SqlState: LockNotAvailable })
            {
                throw ServerConnection.Wrap(e, _serverName, _timing.ConnectTimeout, connecting: false);
            }
            finally
            {
                if (connection is not null)
                    await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One try; then, while time remains, blocking waits of one slice each (lock_timeout), so a waiter re-checks its session regularly.</summary>
    private async Task<bool> TakeLockAsync(NpgsqlConnection connection, long deadline, CancellationToken ct)
    {
        if (await ScalarAsync<bool>(connection, LeaseSql.TryLock, ct, target.Key).ConfigureAwait(false))
            return true;
        while (true)
        {
            long remaining = deadline - LeaseClock.NowMs;
            if (remaining <= 0)
                return false;
            long slice = Math.Min(remaining, (long)_timing.WaitSlice.TotalMilliseconds);
            await ScalarAsync<string>(connection, LeaseSql.SetLockTimeout, ct, $"{slice}ms").ConfigureAwait(false);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
            bounded.CancelAfter(TimeSpan.FromMilliseconds(slice) + _timing.HeartbeatTimeout + TimeSpan.FromSeconds(1));
            try
            {
                await ExecuteAsync(connection, LeaseSql.Lock, bounded.Token, target.Key).ConfigureAwait(false);
                await ScalarAsync<string>(connection, LeaseSql.SetLockTimeout, ct, "0").ConfigureAwait(false);
                return true;
            }
            catch (PostgresException e) when (e.SqlState == LockNotAvailable)
            {
            }
        }
    }

    private async Task<PostgresClusterLease?> TakeOverAsync(NpgsqlConnection connection, HostLock host, CancellationToken ct)
    {
        // The fencing deadline counts from before the row is written: never later than the server's renewed_at.
        long started = LeaseClock.NowMs;
        long epoch, waitMs;
        long? previousEpoch;
        DateTimeOffset acquiredAt;
        int backendPid = connection.ProcessID;
        await using (var cmd = new NpgsqlCommand(LeaseSql.Takeover, connection))
        {
            // The upsert's row lock waits for the previous holder's fenced transactions (FOR KEY SHARE); bounded.
            cmd.CommandTimeout = (int)Math.Ceiling(2 * _timing.LeaseDuration.TotalSeconds);
            cmd.Parameters.Add(new() { Value = target.Namespace });
            cmd.Parameters.Add(new() { Value = target.Name });
            cmd.Parameters.Add(new() { Value = _options.HostName });
            cmd.Parameters.Add(new() { Value = Environment.ProcessId });
            cmd.Parameters.Add(new() { Value = (object?)host.StartToken ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            cmd.Parameters.Add(new() { Value = _timing.LeaseDuration.TotalSeconds });
            NpgsqlDataReader reader;
            try
            {
                reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is PostgresException { SqlState: "57014" } or NpgsqlException { InnerException: TimeoutException } && !ct.IsCancellationRequested)
            {
                throw new ClusterConnectionException(_serverName,
                    $"The row of '{target.Name}' in {LeaseSql.Table} on {_serverName} stayed locked for {LeaseTiming.S(2 * _timing.LeaseDuration)} while taking over: a transaction holds it (an earlier holder's fenced write that never ended?). See pg_locks.", e);
            }
            await using var disposeReader = reader;
            await reader.ReadAsync(ct).ConfigureAwait(false);
            epoch = reader.GetInt64(0);
            acquiredAt = new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero);
            waitMs = reader.GetInt64(2);
            previousEpoch = reader.IsDBNull(3) ? null : reader.GetInt64(3);
        }
        await ScalarAsync<string>(connection, LeaseSql.SetStatementTimeout, ct, $"{(long)_timing.HeartbeatTimeout.TotalMilliseconds}ms").ConfigureAwait(false);
        await ExecuteAsync(connection, LeaseSql.Listen, ct).ConfigureAwait(false);

        var holder = new ClusterHolder(_options.HostName, Environment.ProcessId, epoch, acquiredAt, acquiredAt, host.StartToken, backendPid);
        var runtime = new LeaseRuntime(connection, _timing, Logger, target.Namespace, target.Name, holder, started);
        runtime.Start();
        var lease = new PostgresClusterLease(runtime, host);
        if (waitMs > 0)
        {
            if (Logger is { } log)
                Log.TakeoverWait(log, target.Name, waitMs, previousEpoch ?? 0);
            lease.TakeoverWait = TimeSpan.FromMilliseconds(waitMs);
            try
            {
                await lease.WaitForLostAsync(lease.TakeoverWait, ct).ConfigureAwait(false);
            }
            catch
            {
                await runtime.StopAsync(markReleased: false).ConfigureAwait(false);
                throw;
            }
        }
        if (lease.IsHeld)
        {
            if (Logger is { } log)
                Log.Acquired(log, target.Name, epoch, _serverName);
            return lease;
        }
        // Lost while waiting out the previous lease (the session ended): start over, nothing ran under it.
        await runtime.StopAsync(markReleased: false).ConfigureAwait(false);
        return null;
    }

    private static bool IsTransient(Exception e) => e switch
    {
        ClusterConnectionException c => c.InnerException is { } inner && IsTransient(inner),
        PostgresException p => p.SqlState is "57P01" or "57P02" or "57P03" or "53300" || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException,
        IOException or TimeoutException => true,
        OperationCanceledException => true, // a wait slice whose session stopped answering
        _ => false,
    };

    internal static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (object a in args)
            cmd.Parameters.Add(new() { Value = a });
        return (T)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        cmd.CommandTimeout = 0;
        foreach (object a in args)
            cmd.Parameters.Add(new() { Value = a });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
