using System.Globalization;
using PidGuard.Cluster.Postgres;

namespace PidGuard.Cli.Cluster;

/// <summary>A cluster status as a line, a table row and JSON; times are the server's clock.</summary>
internal static class ClusterStatusView
{
    public static string StateWord(ClusterState state) => state switch
    {
        ClusterState.Running => "running",
        ClusterState.Released => "released",
        ClusterState.Expired => "expired",
        _ => "stopped",
    };

    /// <summary>LSB: 0 held; 1 the last holder went away without releasing (a crash, a partition, a forced stop); 3 not held.</summary>
    public static int Lsb(ClusterState state) => state switch
    {
        ClusterState.Running => ExitCodes.Ok,
        ClusterState.Expired => 1,
        _ => ExitCodes.NotRunning,
    };

    public static string Line(ClusterStatus s)
    {
        string waiting = Waiting(s);
        if (s.State == ClusterState.Running && s.Holder is { } h)
        {
            return $"{s.Name} is running on host {h.Host} (PID: {Pid(h.Pid)}), epoch {h.Epoch}, since {Time(h.Since)}, last heartbeat {Age(s)} ago"
                + (s.StopRequestedAt is { } asked ? $", stop requested at {Time(asked)}" : "") + waiting;
        }
        if (s.State == ClusterState.Running)
            return $"{s.Name} is held by {Who(s.HoldingSession)} (no lease row yet: acquiring)" + waiting;
        return s.Holder switch
        {
            { } last when s.State == ClusterState.Released => $"{s.Name} is not running in the cluster; released by host {last.Host} (PID: {Pid(last.Pid)}, epoch {last.Epoch}) at {Time(s.ReleasedAt!.Value)}" + waiting,
            { } last => $"{s.Name} is not running in the cluster; the last holder, host {last.Host} (PID: {Pid(last.Pid)}, epoch {last.Epoch}), went away without releasing: last heartbeat {Age(s)} ago" + waiting,
            null => $"{s.Name} is not running in the cluster" + waiting,
        };
    }

    public static string[] Row(ClusterStatus s)
    {
        var h = s.Holder;
        bool held = s.State == ClusterState.Running;
        return
        [
            s.Name,
            StateWord(s.State),
            h?.Host ?? s.HoldingSession?.Host ?? "-",
            held ? (h?.Pid ?? s.HoldingSession?.Pid)?.ToString(CultureInfo.InvariantCulture) ?? "-" : "-",
            h?.Epoch.ToString(CultureInfo.InvariantCulture) ?? "-",
            h is null ? "-" : Time(h.Since),
            s.LastRenewalAge is null ? "-" : Age(s),
            s.Candidates.Count().ToString(CultureInfo.InvariantCulture),
        ];
    }

    public static readonly string[] Header = ["NAME", "STATE", "HOST", "PID", "EPOCH", "SINCE", "HEARTBEAT", "WAITING"];

    public static ClusterStatusJson ToJson(ClusterStatus s)
    {
        var h = s.Holder;
        return new ClusterStatusJson(CliJsonContext.SchemaVersion, s.Name, s.Namespace, StateWord(s.State), Lsb(s.State),
            h?.Host ?? s.HoldingSession?.Host, h?.Pid ?? s.HoldingSession?.Pid, h?.Epoch, h?.Since, h?.LastRenewal,
            s.LastRenewalAge?.TotalSeconds, s.State == ClusterState.Running ? s.HoldingSession?.BackendPid : null,
            s.ReleasedAt, s.StopRequestedAt,
            s.Candidates.Select(c => new ClusterCandidateJson(c.Host, c.Pid, c.BackendPid, c.Since)).ToList());
    }

    private static string Waiting(ClusterStatus s)
    {
        var waiting = s.Candidates.ToList();
        return waiting.Count == 0 ? "" : $"; waiting: {string.Join(", ", waiting.Select(Who))}";
    }

    private static string Who(ClusterSession? c) => c is null ? "unknown" : c.Host is null ? $"backend {c.BackendPid} ({c.ApplicationName ?? "not a pidguard session"})" : $"host {c.Host} (PID: {Pid(c.Pid)})";

    private static string Pid(int? pid) => pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown";

    private static string Age(ClusterStatus s) => s.LastRenewalAge is { } age ? TimeText.Of(age) : "?";

    private static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
