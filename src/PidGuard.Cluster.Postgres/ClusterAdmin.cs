using Npgsql;

namespace PidGuard.Cluster.Postgres;

/// <summary>What status, list and stop read and do on the server; each call uses its own short-lived session.</summary>
internal static class ClusterAdmin
{
    public static async Task<ClusterStatus> StatusAsync(PostgresClusterLock target, CancellationToken ct)
    {
        await using var connection = await OpenAsync(target.Server, target.Timing, ct).ConfigureAwait(false);
        bool table = await LeaseSchema.ExistsAsync(connection, ct).ConfigureAwait(false);
        return await StatusAsync(connection, table, target.Namespace, target.Name, target.Key, ct).ConfigureAwait(false);
    }

    public static async Task<IReadOnlyList<ClusterStatus>> ListAsync(NpgsqlConnectionStringBuilder server, LeaseTiming timing, string @namespace, CancellationToken ct)
    {
        await using var connection = await OpenAsync(server, timing, ct).ConfigureAwait(false);
        if (!await LeaseSchema.ExistsAsync(connection, ct).ConfigureAwait(false))
            return [];
        var names = new List<string>();
        await using (var cmd = new NpgsqlCommand(LeaseSql.Rows, connection))
        {
            cmd.Parameters.Add(new() { Value = @namespace });
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                names.Add(reader.GetString(0));
        }
        var result = new List<ClusterStatus>(names.Count);
        foreach (string name in names)
            result.Add(await StatusAsync(connection, true, @namespace, name, LeaseKey.For(@namespace, name), ct).ConfigureAwait(false));
        return result;
    }

    /// <summary>Sets the stop request on the current holding and notifies the holder. False when nothing holds the name.</summary>
    public static async Task<bool> RequestStopAsync(PostgresClusterLock target, CancellationToken ct)
    {
        await using var connection = await OpenAsync(target.Server, target.Timing, ct).ConfigureAwait(false);
        if (!await LeaseSchema.ExistsAsync(connection, ct).ConfigureAwait(false))
            return false;
        await using var cmd = new NpgsqlCommand(LeaseSql.RequestStop, connection);
        cmd.Parameters.Add(new() { Value = target.Namespace });
        cmd.Parameters.Add(new() { Value = target.Name });
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Terminates the backend holding the lock; returns its PID, or null when nothing held it.</summary>
    public static async Task<int?> ForceStopAsync(PostgresClusterLock target, CancellationToken ct)
    {
        await using var connection = await OpenAsync(target.Server, target.Timing, ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(LeaseSql.Terminate, connection);
        cmd.Parameters.Add(new() { Value = target.Key });
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) && reader.GetBoolean(1) ? reader.GetInt32(0) : null;
        }
        catch (PostgresException e) when (e.SqlState == "42501")
        {
            throw new ClusterConnectionException(ClusterConnectionString.Describe(target.Server),
                $"Cannot terminate the holder of '{target.Name}' on {ClusterConnectionString.Describe(target.Server)}: {e.MessageText}. The role needs to be the holder's role or a member of pg_signal_backend.", e);
        }
    }

    /// <summary>Polls until no session holds the lock; false when <paramref name="timeout"/> passed first.</summary>
    public static async Task<bool> WaitForReleaseAsync(PostgresClusterLock target, TimeSpan timeout, CancellationToken ct)
    {
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : LeaseClock.NowMs + (long)timeout.TotalMilliseconds;
        await using var connection = await OpenAsync(target.Server, target.Timing, ct).ConfigureAwait(false);
        while (true)
        {
            var sessions = await SessionsAsync(connection, target.Key, ct).ConfigureAwait(false);
            if (!sessions.Any(s => s.Holds))
                return true;
            if (LeaseClock.NowMs >= deadline)
                return false;
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Who holds the name, for "already running": the row when it belongs to the holding session, else its application_name.</summary>
    public static async Task<(string? Host, int? Pid, long? Epoch)> ReadHolderAsync(NpgsqlConnection connection, PostgresClusterLock target, CancellationToken ct)
    {
        var status = await StatusAsync(connection, true, target.Namespace, target.Name, target.Key, ct).ConfigureAwait(false);
        var session = status.HoldingSession;
        if (status.Holder is { } h && (session is null || session.BackendPid == h.BackendPid))
            return (h.Host, h.Pid, h.Epoch);
        return (session?.Host, session?.Pid, null);
    }

    private static async Task<ClusterStatus> StatusAsync(NpgsqlConnection connection, bool table, string @namespace, string name, long key, CancellationToken ct)
    {
        var sessions = await SessionsAsync(connection, key, ct).ConfigureAwait(false);
        ClusterHolder? holder = null;
        TimeSpan? age = null;
        DateTimeOffset? releasedAt = null, stopRequestedAt = null;
        if (table)
        {
            await using var cmd = new NpgsqlCommand(LeaseSql.Row, connection);
            cmd.Parameters.Add(new() { Value = @namespace });
            cmd.Parameters.Add(new() { Value = name });
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                holder = new ClusterHolder(r.GetString(2), r.GetInt32(3), r.GetInt64(1), Utc(r.GetDateTime(6)), Utc(r.GetDateTime(7)),
                    r.IsDBNull(4) ? null : r.GetString(4), r.GetInt32(5));
                releasedAt = r.IsDBNull(8) ? null : Utc(r.GetDateTime(8));
                stopRequestedAt = r.IsDBNull(9) ? null : Utc(r.GetDateTime(9));
                age = Utc(r.GetDateTime(10)) - holder.LastRenewal;
            }
        }
        var state = sessions.Any(s => s.Holds) ? ClusterState.Running
            : holder is null ? ClusterState.NotRunning
            : releasedAt is not null ? ClusterState.Released
            : ClusterState.Expired;
        return new ClusterStatus(@namespace, name, state, holder, age, releasedAt, state == ClusterState.Running ? stopRequestedAt : null, sessions);
    }

    private static async Task<IReadOnlyList<ClusterSession>> SessionsAsync(NpgsqlConnection connection, long key, CancellationToken ct)
    {
        var list = new List<ClusterSession>();
        await using var cmd = new NpgsqlCommand(LeaseSql.Sessions, connection);
        cmd.Parameters.Add(new() { Value = key });
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            string? app = r.IsDBNull(2) ? null : r.GetString(2);
            var (host, pid) = ApplicationName.Parse(app);
            list.Add(new ClusterSession(r.GetInt32(0), r.GetBoolean(1), host, pid, app, r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : Utc(r.GetDateTime(4)), r.IsDBNull(5) ? null : Utc(r.GetDateTime(5))));
        }
        return list;
    }

    private static async Task<NpgsqlConnection> OpenAsync(NpgsqlConnectionStringBuilder server, LeaseTiming timing, CancellationToken ct) =>
        await ServerConnection.OpenReaderAsync(server, timing.ConnectTimeout, ct).ConfigureAwait(false);

    private static DateTimeOffset Utc(DateTime t) => new(DateTime.SpecifyKind(t, DateTimeKind.Utc));
}
