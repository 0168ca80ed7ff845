using System.Globalization;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// Another process holds the name, in the cluster or on this host. The message reads
/// <c>Daemon already running (host H, PID N)</c>.
/// </summary>
public sealed class ClusterAlreadyRunningException : PidGuardException
{
    /// <summary>Creates the exception.</summary>
    public ClusterAlreadyRunningException(string name, string? host, int? ownerPid, long? epoch = null, Exception? inner = null)
        : base(FormatMessage(name, host, ownerPid), null, inner)
    {
        DaemonName = name;
        Host = host;
        OwnerPid = ownerPid;
        Epoch = epoch;
    }

    /// <summary>The daemon name.</summary>
    public string DaemonName { get; }

    /// <summary>The holder's host, when known.</summary>
    public string? Host { get; }

    /// <summary>The holder's PID on its host, when known.</summary>
    public int? OwnerPid { get; }

    /// <summary>The holder's fencing epoch, when known.</summary>
    public long? Epoch { get; }

    private static string FormatMessage(string name, string? host, int? pid) =>
        $"Daemon already running (host {host ?? "unknown"}, PID {pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}): '{name}' is held by another process.";
}
