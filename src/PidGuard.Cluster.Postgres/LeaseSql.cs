namespace PidGuard.Cluster.Postgres;

/// <summary>
/// Every statement PidGuard sends. The advisory lock is the truth about who holds a name; the row in
/// <c>pidguard_lease</c> is written only by the lock holder and carries the fencing epoch, the
/// holder's identity and its last renewal on the server clock.
/// </summary>
internal static class LeaseSql
{
    public const string Table = "pidguard_lease";

    public const string TableExists = "SELECT to_regclass('pidguard_lease') IS NOT NULL";

    public const string CreateTable = """
        CREATE TABLE IF NOT EXISTS pidguard_lease (
            namespace         text        NOT NULL,
            name              text        NOT NULL,
            epoch             bigint      NOT NULL,
            host              text        NOT NULL,
            pid               integer     NOT NULL,
            start_token       text,
            backend_pid       integer     NOT NULL,
            acquired_at       timestamptz NOT NULL,
            renewed_at        timestamptz NOT NULL,
            released_at       timestamptz,
            stop_requested_at timestamptz,
            PRIMARY KEY (namespace, name))
        """;

    /// <summary>Serialises first-time table creation among racing contenders (CREATE ... IF NOT EXISTS is not race-free).</summary>
    public const string LockSchema = "SELECT pg_advisory_xact_lock($1)";

    public const string SetLockTimeout = "SELECT set_config('lock_timeout', $1, false)";

    public const string SetStatementTimeout = "SELECT set_config('statement_timeout', $1, false)";

    public const string TryLock = "SELECT pg_try_advisory_lock($1)";

    public const string Lock = "SELECT pg_advisory_lock($1)";

    public const string Listen = "LISTEN pidguard_stop";

    /// <summary>
    /// Bumps the epoch (the upsert's row lock waits for the previous holder's fenced transactions
    /// that hold FOR KEY SHARE on the row) and returns how long the successor must still wait:
    /// until the previous holder's last renewal + the lease duration, unless it released cleanly.
    /// The wait is computed on the server clock so that no two hosts' clocks are ever compared.
    /// <c>prev</c> reads the statement's snapshot without FOR UPDATE: a row locked by the same
    /// statement's upsert would be skipped by FOR UPDATE, and the wait silently become zero.
    /// </summary>
    public const string Takeover = """
        WITH prev AS (
            SELECT epoch, renewed_at, released_at
            FROM pidguard_lease WHERE namespace = $1 AND name = $2),
        up AS (
            INSERT INTO pidguard_lease AS l
                (namespace, name, epoch, host, pid, start_token, backend_pid, acquired_at, renewed_at, released_at, stop_requested_at)
            VALUES ($1, $2, 1, $3, $4, $5, pg_backend_pid(), now(), now(), NULL, NULL)
            ON CONFLICT (namespace, name) DO UPDATE SET
                epoch = l.epoch + 1, host = EXCLUDED.host, pid = EXCLUDED.pid, start_token = EXCLUDED.start_token,
                backend_pid = EXCLUDED.backend_pid, acquired_at = now(), renewed_at = now(),
                released_at = NULL, stop_requested_at = NULL
            RETURNING epoch, acquired_at)
        SELECT up.epoch, up.acquired_at,
               CASE WHEN prev.renewed_at IS NULL OR prev.released_at IS NOT NULL THEN 0
                    ELSE GREATEST(0, CEIL(EXTRACT(EPOCH FROM (prev.renewed_at + make_interval(secs => $6) - clock_timestamp())) * 1000))
               END::bigint AS wait_ms,
               prev.epoch
        FROM up LEFT JOIN prev ON true
        """;

    /// <summary>The heartbeat: renews only our own epoch from our own session; no row means the lease is gone.</summary>
    public const string Renew = """
        UPDATE pidguard_lease SET renewed_at = now()
        WHERE namespace = $1 AND name = $2 AND epoch = $3 AND backend_pid = pg_backend_pid()
        RETURNING renewed_at, stop_requested_at IS NOT NULL
        """;

    /// <summary>Marks a clean release (the application said its work stopped) so a successor need not wait.</summary>
    public const string Release = """
        UPDATE pidguard_lease SET released_at = clock_timestamp()
        WHERE namespace = $1 AND name = $2 AND epoch = $3 AND backend_pid = pg_backend_pid()
        """;

    /// <summary>The sessions holding or waiting for the key: <c>granted</c> is the live holder.</summary>
    public const string Sessions = """
        SELECT k.pid, k.granted, a.application_name, host(a.client_addr), a.backend_start, a.query_start
        FROM pg_locks k LEFT JOIN pg_stat_activity a ON a.pid = k.pid
        WHERE k.locktype = 'advisory' AND k.objsubid = 1
          AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((k.classid::bigint << 32) | k.objid::bigint) = $1
        ORDER BY k.granted DESC, a.query_start
        """;

    public const string Row = """
        SELECT name, epoch, host, pid, start_token, backend_pid, acquired_at, renewed_at, released_at, stop_requested_at, now()
        FROM pidguard_lease WHERE namespace = $1 AND name = $2
        """;

    public const string Rows = """
        SELECT name, epoch, host, pid, start_token, backend_pid, acquired_at, renewed_at, released_at, stop_requested_at, now()
        FROM pidguard_lease WHERE namespace = $1 ORDER BY name
        """;

    public const string RequestStop = """
        WITH r AS (
            UPDATE pidguard_lease SET stop_requested_at = now()
            WHERE namespace = $1 AND name = $2 AND released_at IS NULL
            RETURNING epoch)
        SELECT r.epoch, pg_notify('pidguard_stop', $1 || '/' || $2) FROM r
        """;

    /// <summary>Terminates the backend that holds the key (not the row's idea of it: the lock is the truth).</summary>
    public const string Terminate = """
        SELECT k.pid, pg_terminate_backend(k.pid)
        FROM pg_locks k
        WHERE k.locktype = 'advisory' AND k.objsubid = 1 AND k.granted
          AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((k.classid::bigint << 32) | k.objid::bigint) = $1
        """;
}
