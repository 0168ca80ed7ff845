using PidGuard.Platform;

namespace PidGuard.Cli;

/// <summary>
/// Sends a signal to a daemon's supervisor itself (not passed on to the program): SIGWINCH asks it to
/// reopen its log. The supervisor is proven first: pinned with a pidfd, then its kernel start time must
/// equal the one in the state file, so a process that reused its PID is never signalled.
/// </summary>
internal static class SupervisorSignal
{
    public static void Send(DaemonPaths paths, string signalName)
    {
        var p = Platforms.Current;
        ForeignDirectory.Check(paths);
        var status = DaemonProbe.GetStatus(paths.Name, DaemonSelector.Options(paths));
        if (status.Supervisor is not { } pid || status.Record?.Supervisor?.StartToken is not { } token)
        {
            throw new CliError(status.State is DaemonState.NotRunning or DaemonState.Stale
                ? $"{paths.Name} is not running" : $"{paths.Name} has no running supervisor ({StatusView.StateWord(status)}): only 'pidguard start' writes a daemon's log itself",
                status.State == DaemonState.Unknown ? ExitCodes.Unknown : ExitCodes.NotRunning);
        }
        p.Signals.TryParse(signalName, out int signal);
        using var handle = p.OpenProcess(pid);
        if (pid <= 1 || handle is null || p.GetStartToken(pid) != token)
            throw new CliError($"the supervisor of {paths.Name} (PID {pid}) exited meanwhile", ExitCodes.NotRunning);
        if (p.SendSignal(handle, signal) != SignalResult.Delivered)
            throw new CliError($"cannot signal the supervisor of {paths.Name} (PID {pid})", ExitCodes.Failure);
    }
}
