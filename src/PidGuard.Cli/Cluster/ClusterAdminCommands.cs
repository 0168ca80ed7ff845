using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PidGuard.Cluster.Postgres;

namespace PidGuard.Cli.Cluster;

/// <summary>
/// status, list and stop with --cluster: what the server says about a name, from any host. A server
/// that cannot be reached is an error naming it (host:port/database as user) after at most the
/// connect timeout, never a hang.
/// </summary>
internal static class ClusterAdminCommands
{
    public static Task<int> StatusAsync(DaemonPaths paths, ClusterSettings settings, bool json, CancellationToken ct) =>
        ClusterFeature.IsSupported ? StatusCoreAsync(paths, settings, json, ct) : throw ClusterFeature.Missing();

    public static Task<int> ListAsync(ClusterSettings settings, bool json, CancellationToken ct) =>
        ClusterFeature.IsSupported ? ListCoreAsync(settings, json, ct) : throw ClusterFeature.Missing();

    /// <summary>
    /// Asks the holder to stop (it stops its program the usual way and releases) and waits up to
    /// <paramref name="bound"/> for the release; with <paramref name="force"/>, terminates the holder's
    /// session instead: the holder fences itself and ends its program within the lease's margin.
    /// </summary>
    public static Task<int> StopAsync(DaemonPaths paths, ClusterSettings settings, bool force, TimeSpan bound, CancellationToken ct) =>
        ClusterFeature.IsSupported ? StopCoreAsync(paths, settings, force, bound, ct) : throw ClusterFeature.Missing();

    private static async Task<int> StatusCoreAsync(DaemonPaths paths, ClusterSettings settings, bool json, CancellationToken ct)
    {
        var status = await ClusterLibrary.Lock(paths.Name, settings, null).GetStatusAsync(ct).ConfigureAwait(false);
        if (json)
            Output.Out.WriteLine(JsonSerializer.Serialize(ClusterStatusView.ToJson(status), CliJsonContext.Relaxed.ClusterStatusJson));
        else
            Output.Say(ClusterStatusView.Line(status));
        return ClusterStatusView.Lsb(status.State);
    }

    private static async Task<int> ListCoreAsync(ClusterSettings settings, bool json, CancellationToken ct)
    {
        var options = ClusterLibrary.Options(settings, null);
        var all = await PostgresClusterLock.ListAsync(options, ct).ConfigureAwait(false);
        if (json)
        {
            string server = new PostgresClusterLock("x", options).ServerDescription;
            var list = new ClusterListJson(CliJsonContext.SchemaVersion, options.Namespace, server, all.Select(ClusterStatusView.ToJson).ToList());
            Output.Out.WriteLine(JsonSerializer.Serialize(list, CliJsonContext.Relaxed.ClusterListJson));
        }
        else
        {
            Output.Out.Write(Table([ClusterStatusView.Header, .. all.Select(ClusterStatusView.Row)]));
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> StopCoreAsync(DaemonPaths paths, ClusterSettings settings, bool force, TimeSpan bound, CancellationToken ct)
    {
        var clusterLock = ClusterLibrary.Lock(paths.Name, settings, null);
        var before = await clusterLock.GetStatusAsync(ct).ConfigureAwait(false);
        if (before.State != ClusterState.Running)
        {
            Output.Say($"{paths.Name} is not running in the cluster");
            return ExitCodes.Ok;
        }
        string holder = before.Holder is { } h ? $"host {h.Host} (PID: {h.Pid}, epoch {h.Epoch})" : "its holder";
        var clock = Stopwatch.StartNew();
        if (force)
        {
            if (await clusterLock.ForceStopAsync(ct).ConfigureAwait(false) is not { } backend)
            {
                Output.Say($"{paths.Name} is not running in the cluster");
                return ExitCodes.Ok;
            }
            Output.Say($"terminated the cluster session of {paths.Name} on {holder} (backend {backend}): the holder fences itself and ends its program; "
                + $"another host can take the name once the lease ran out");
            return ExitCodes.Ok;
        }
        if (!await clusterLock.RequestStopAsync(ct).ConfigureAwait(false))
        {
            Output.Say($"{paths.Name} is not running in the cluster");
            return ExitCodes.Ok;
        }
        if (await ReleasedAsync(clusterLock, before, bound, ct).ConfigureAwait(false))
        {
            Output.Say($"stopped {paths.Name} on {holder} in {TimeText.Of(clock.Elapsed)}");
            return ExitCodes.Ok;
        }
        return CommandAction.Fail($"cannot stop {paths.Name}: {holder} still holds it {TimeText.Of(bound)} after the stop request (is it a pidguard supervisor or a PidGuard.Hosting app? 'stop --cluster --force' ends its session)", ExitCodes.Failure);
    }

    /// <summary>
    /// Polls until the session that held the name when the stop was asked for holds it no more. Not
    /// "until nobody holds it": a waiting candidate takes the name at once, which is the stop succeeding.
    /// </summary>
    private static async Task<bool> ReleasedAsync(PostgresClusterLock clusterLock, ClusterStatus before, TimeSpan bound, CancellationToken ct)
    {
        int? backend = before.HoldingSession?.BackendPid;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var now = await clusterLock.GetStatusAsync(ct).ConfigureAwait(false);
            if (now.State != ClusterState.Running || now.HoldingSession?.BackendPid != backend)
                return true;
            if (clock.Elapsed >= bound)
                return false;
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    private static string Table(List<string[]> rows)
    {
        int columns = rows[0].Length;
        int[] widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (int c = 0; c < columns; c++)
                line.Append(c == columns - 1 ? row[c] : row[c].PadRight(widths[c] + 2));
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        return text.ToString();
    }
}
