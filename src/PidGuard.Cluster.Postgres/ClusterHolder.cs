namespace PidGuard.Cluster.Postgres;

/// <summary>
/// Who holds (or last held) a name, as recorded in <c>pidguard_lease</c>. Times are the server's
/// clock, so hosts with different clocks agree on them.
/// </summary>
/// <param name="Host">The holder's host name.</param>
/// <param name="Pid">The holder's PID on that host.</param>
/// <param name="Epoch">The fencing token of that holding: it grows by one with every acquisition.</param>
/// <param name="Since">When it acquired the name (server clock).</param>
/// <param name="LastRenewal">Its last successful heartbeat (server clock).</param>
/// <param name="StartToken">The holder's kernel start-time token and boot id (guards against PID reuse), when known.</param>
/// <param name="BackendPid">The PID of the holder's PostgreSQL backend.</param>
public sealed record ClusterHolder(string Host, int Pid, long Epoch, DateTimeOffset Since, DateTimeOffset LastRenewal, string? StartToken, int BackendPid);
