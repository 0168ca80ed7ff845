using System.Globalization;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// Another process holds the name, in the cluster or on this host. The message reads
/// <c>Daemon already running (host H, PID N)</c>.
/// </summary>
public sealed class ClusterAlreadyRunningException : AlreadyRunningException
{
    /// <summary>Creates the exception.</summary>
    public ClusterAlreadyRunningException(string name, string? host, int? ownerPid, long? epoch = null, Exception? inner = null)
        : base(name, ownerPid, FormatMessage(name, host, ownerPid), null, inner)
    {
        Host = host;
        Epoch = epoch;
    }

    /// <summary>The holder's host, when known (<see cref="AlreadyRunningException.OwnerPid"/> is its PID there).</summary>
    public string? Host { get; }

    /// <summary>The holder's fencing epoch, when known.</summary>
    public long? Epoch { get; }

    private static string FormatMessage(string name, string? host, int? pid) =>
        $"Daemon already running (host {host ?? "unknown"}, PID {pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}): '{name}' is held by another process.";
}
