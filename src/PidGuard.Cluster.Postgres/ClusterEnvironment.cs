using System.Globalization;

namespace PidGuard.Cluster.Postgres;

/// <summary>The environment through which the <c>pidguard</c> supervisor tells its program about the cluster lease it holds.</summary>
public static class ClusterEnvironment
{
    /// <summary>The connection string or <c>postgres://</c> URL of the cluster (also the CLI's default for <c>--cluster</c>).</summary>
    public const string ConnectionVariable = "PIDGUARD_CLUSTER";

    /// <summary>Set by a supervisor that holds the cluster lease for its program: the lease's fencing token.</summary>
    public const string EpochVariable = "PIDGUARD_CLUSTER_EPOCH";

    /// <summary>The fencing token of the lease the supervisor holds for this process, or null when none does.</summary>
    public static long? SupervisorEpoch =>
        Environment.GetEnvironmentVariable(InstanceLock.SupervisorPidEnvironmentVariable) is { Length: > 0 }
        && long.TryParse(Environment.GetEnvironmentVariable(EpochVariable), NumberStyles.None, CultureInfo.InvariantCulture, out long epoch)
            ? epoch
            : null;
}
