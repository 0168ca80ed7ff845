using PidGuard.Cluster.Postgres;

namespace PidGuard.Cli.Cluster;

/// <summary>
/// Why a `start --cluster` supervisor gave up before its program ran: another host holds the name.
/// The supervisor (a detached process) can only say so in its log; `start` asks the server itself,
/// to fail like a local conflict: the holder named, exit 75.
/// </summary>
internal static class ClusterConflict
{
    /// <summary>"Daemon already running (host H, PID N)" when a process other than <paramref name="ourSupervisor"/> holds the name; null otherwise or when the server cannot tell.</summary>
    public static Task<string?> FindAsync(DaemonPaths paths, ClusterSettings settings, int ourSupervisor) =>
        ClusterFeature.IsSupported ? FindCoreAsync(paths, settings, ourSupervisor) : throw ClusterFeature.Missing();

    private static async Task<string?> FindCoreAsync(DaemonPaths paths, ClusterSettings settings, int ourSupervisor)
    {
        try
        {
            var status = await ClusterLibrary.Lock(paths.Name, settings, paths.Directory).GetStatusAsync().ConfigureAwait(false);
            if (status.State != ClusterState.Running || status.Holder is not { } holder)
                return null;
            if (holder.Pid == ourSupervisor && holder.Host == ClusterSettings.HostName)
                return null;
            return new ClusterAlreadyRunningException(paths.Name, holder.Host, holder.Pid, holder.Epoch).Message;
        }
        catch (PidGuardException)
        {
            return null; // the log tail shows what the supervisor met
        }
    }
}
