namespace PidGuard.Cli.Cluster;

/// <summary><c>status NAME --cluster --json</c> (docs/JSON.md): the name as the cluster's server sees it.</summary>
internal sealed record ClusterStatusJson(
    int SchemaVersion,
    string Name,
    string Namespace,
    string State,
    int Lsb,
    string? Host,
    int? Pid,
    long? Epoch,
    DateTimeOffset? Since,
    DateTimeOffset? LastHeartbeat,
    double? HeartbeatAgeSeconds,
    int? BackendPid,
    DateTimeOffset? ReleasedAt,
    DateTimeOffset? StopRequestedAt,
    IReadOnlyList<ClusterCandidateJson> Waiting);

/// <summary>A process waiting for the name (a session blocked on the lock).</summary>
internal sealed record ClusterCandidateJson(string? Host, int? Pid, int BackendPid, DateTimeOffset? Since);

/// <summary><c>list --cluster --json</c>: every name recorded in the namespace.</summary>
internal sealed record ClusterListJson(int SchemaVersion, string Namespace, string Server, IReadOnlyList<ClusterStatusJson> Daemons);
