using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// Opens the two kinds of connection PidGuard uses, never pooled: the holder's dedicated session
/// (with the lease's keepalive and timeout settings in its startup packet) and a short-lived one
/// for status and stop. A failure becomes a <see cref="ClusterConnectionException"/> naming the server.
/// </summary>
internal static class ServerConnection
{
    // One unpooled data source per distinct connection string (per name in a process): it holds no connections.
    private static readonly ConcurrentDictionary<string, NpgsqlDataSource> s_sources = new();

    public static Task<NpgsqlConnection> OpenHolderAsync(NpgsqlConnectionStringBuilder user, LeaseTiming timing, string applicationName, CancellationToken ct)
    {
        var b = Copy(user);
        b.Pooling = false;
        b.Multiplexing = false;
        b.ApplicationName = applicationName;
        b.Options = string.IsNullOrWhiteSpace(user.Options) ? timing.SessionOptions() : $"{user.Options} {timing.SessionOptions()}";
        // Client side too; Npgsql leaves the probe count at the OS default (9), so the deadline, not this, fences.
        b.TcpKeepAlive = true;
        b.TcpKeepAliveTime = timing.KeepaliveIdleSeconds;
        b.TcpKeepAliveInterval = timing.KeepaliveIntervalSeconds;
        b.Timeout = Seconds(timing.ConnectTimeout);
        b.CancellationTimeout = (int)timing.HeartbeatTimeout.TotalMilliseconds;
        b.KeepAlive = 0; // the heartbeat is the keepalive: nothing else may use this connection concurrently
        // Advisory locks work on a hot standby too, each in its own lock table: never hold one there.
        if (b.Host?.Contains(',', StringComparison.Ordinal) == true && string.IsNullOrEmpty(user.TargetSessionAttributes))
            b.TargetSessionAttributes = "primary";
        return OpenAsync(b, user, timing.ConnectTimeout, ct);
    }

    public static Task<NpgsqlConnection> OpenReaderAsync(NpgsqlConnectionStringBuilder user, TimeSpan connectTimeout, CancellationToken ct)
    {
        var b = Copy(user);
        b.Pooling = false;
        b.Multiplexing = false;
        b.ApplicationName = $"pidguard-status@{Environment.MachineName}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        b.Timeout = Seconds(connectTimeout);
        b.CommandTimeout = Math.Max(5, Seconds(connectTimeout));
        return OpenAsync(b, user, connectTimeout, ct);
    }

    private static async Task<NpgsqlConnection> OpenAsync(NpgsqlConnectionStringBuilder b, NpgsqlConnectionStringBuilder user, TimeSpan connectTimeout, CancellationToken ct)
    {
        string server = ClusterConnectionString.Describe(user);
        var source = s_sources.GetOrAdd(b.ConnectionString, static cs => new NpgsqlSlimDataSourceBuilder(cs).EnableTransportSecurity().Build());
        var connection = source.CreateConnection();
        // Npgsql's Timeout covers TCP connect and authentication; this bounds DNS and TLS as well.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(connectTimeout + TimeSpan.FromSeconds(1));
        try
        {
            await connection.OpenAsync(limit.Token).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException or IOException
                                  or OperationCanceledException && !ct.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Wrap(e, server, connectTimeout);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static ClusterConnectionException Wrap(Exception e, string server, TimeSpan connectTimeout, bool connecting = true)
    {
        string reason = e switch
        {
            PostgresException { SqlState: "28P01" or "28000" } p => $"authentication failed ({p.MessageText})",
            PostgresException { SqlState: "3D000" } p => $"the database does not exist ({p.MessageText})",
            PostgresException { SqlState: "42704" or "22023" } p => $"the server refused a session setting ({p.MessageText}); PidGuard needs PostgreSQL 14 or later, connected directly or through a session-pooling proxy",
            PostgresException { SqlState: "08P01" } p => $"protocol violation ({p.MessageText}); a proxy such as PgBouncer that rejects the 'options' startup parameter cannot carry a cluster lease: connect to PostgreSQL directly",
            PostgresException p => $"{p.SqlState}: {p.MessageText}",
            OperationCanceledException or TimeoutException => $"no answer within {LeaseTiming.S(connectTimeout)}",
            _ when Find<TimeoutException>(e) is not null => $"no answer within {LeaseTiming.S(connectTimeout)}",
            _ when Find<SocketException>(e) is { } s => $"{s.SocketErrorCode}: {s.Message}",
            _ => e.Message,
        };
        return new ClusterConnectionException(server, connecting
            ? $"Cannot connect to the cluster server {server}: {reason}."
            : $"The cluster server {server} failed a PidGuard statement: {reason}.", e);
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T t)
                return t;
        }
        return null;
    }

    private static NpgsqlConnectionStringBuilder Copy(NpgsqlConnectionStringBuilder b) => new(b.ConnectionString);

    private static int Seconds(TimeSpan t) => Math.Max(1, (int)Math.Ceiling(t.TotalSeconds));
}
