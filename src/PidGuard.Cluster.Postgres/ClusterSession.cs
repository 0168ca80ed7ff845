namespace PidGuard.Cluster.Postgres;

/// <summary>A PostgreSQL session holding or waiting for a name's lock, as <c>pg_locks</c> and <c>pg_stat_activity</c> show it.</summary>
/// <param name="BackendPid">The PostgreSQL backend's PID.</param>
/// <param name="Holds">True for the session that holds the lock; false for a waiting candidate.</param>
/// <param name="Host">The host from its <c>application_name</c> (may end with <c>~</c> when it was shortened), when it is a PidGuard session.</param>
/// <param name="Pid">The client PID from its <c>application_name</c>, when it is a PidGuard session.</param>
/// <param name="ApplicationName">Its <c>application_name</c>.</param>
/// <param name="ClientAddress">Its client address; null for a Unix-socket session.</param>
/// <param name="ConnectedAt">When the session started (server clock).</param>
/// <param name="Since">When its current statement started: for a waiter, when it began this wait slice.</param>
public sealed record ClusterSession(int BackendPid, bool Holds, string? Host, int? Pid, string? ApplicationName, string? ClientAddress, DateTimeOffset? ConnectedAt, DateTimeOffset? Since);
