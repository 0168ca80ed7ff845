using System.Diagnostics;
using System.Globalization;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// Stops a daemon with a schedule (TERM, wait, KILL, wait), signalling only processes proven to be
/// the daemon's (see <see cref="DaemonTarget"/>). On Linux every process is pinned with a pidfd and
/// proven after pinning, so no signal can reach a process that reused a PID. A supervised program
/// is stopped through its supervisor, which will then not restart it. Completion is the release of
/// the lock: every process that held it has gone.
/// </summary>
public static class DaemonStopper
{
    private const int MaxRounds = 3;

    /// <summary>How long a stop whose schedule ended with a delivered KILL still waits for the killed processes to be reaped and the lock freed.</summary>
    internal static readonly TimeSpan KillSettle = TimeSpan.FromSeconds(5);

    /// <summary>How long a stop waits for a start in progress (phase starting, no program yet) to finish before it stops what runs then.</summary>
    internal static readonly TimeSpan StartingWait = TimeSpan.FromSeconds(35);

    /// <summary>Stops <paramref name="name"/> with <paramref name="schedule"/> (default <see cref="StopSchedule.Default"/>, <c>TERM/10/KILL/5</c>).</summary>
    public static Task<StopOutcome> StopAsync(string name, StopSchedule? schedule = null, StopTarget target = StopTarget.Process,
        PidGuardOptions? options = null, CancellationToken cancellationToken = default) =>
        StopAsync(DaemonPaths.Resolve(name, options), schedule, target, options, cancellationToken);

    internal static async Task<StopOutcome> StopAsync(DaemonPaths paths, StopSchedule? schedule = null, StopTarget target = StopTarget.Process,
        PidGuardOptions? options = null, CancellationToken cancellationToken = default, TimeSpan? startingWait = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        schedule ??= StopSchedule.Default;
        options ??= new PidGuardOptions();
        var p = Platforms.Current;
        var clock = Stopwatch.StartNew();
        StopOutcome Done(StopResult result, int? pid, string? reason = null, string? signal = null, string? warning = null) =>
            new() { Result = result, Name = paths.Name, Pid = pid, Reason = reason, LastSignal = signal, Elapsed = clock.Elapsed, Warning = warning };

        long startingUntil = Environment.TickCount64 + (long)(startingWait ?? StartingWait).TotalMilliseconds;
        for (int round = 0; ; round++)
        {
            var status = await ProbeAfterStartAsync(p, paths, options, startingUntil, cancellationToken).ConfigureAwait(false);
            switch (status.State)
            {
                case DaemonState.NotRunning:
                    return Done(StopResult.NotRunning, null);
                case DaemonState.Unknown:
                    return Done(StopResult.Failed, status.Pid, status.Reason);
                case DaemonState.Stale:
                    bool cleaned;
                    string? leftBecause;
                    try
                    {
                        cleaned = StaleFiles.TryClean(p, paths, out leftBecause);
                    }
                    catch (PidGuardException e)
                    {
                        return Done(StopResult.Failed, status.Pid, $"its stale files cannot be removed: {e.Message}");
                    }
                    if (cleaned)
                    {
                        if (options.Logger is { } log)
                            Log.StaleRecovered(log, paths.Name, status.Pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown", paths.PidFile);
                        return Done(StopResult.StaleCleaned, status.Pid, status.Reason, warning: leftBecause);
                    }
                    if (leftBecause is not null)
                        return Done(StopResult.NotRunning, null, leftBecause);
                    if (round < MaxRounds)
                        continue; // Race: a new instance took the lock between the probe and the cleanup: look again
                    return Done(StopResult.Failed, status.Pid, status.Reason);
            }

            using var daemon = p.PinDaemon(status);
            if (daemon.Refusal is { } refusal)
                return Done(StopResult.Failed, status.Pid, refusal);
            if (daemon.IsEmpty)
            {
                if (round < MaxRounds)
                    continue; // it exited between the probe and now
                return Done(StopResult.Failed, status.Pid, $"the processes of '{paths.Name}' changed identity while stopping it");
            }
            int? pid = daemon.Main?.Pid ?? status.Pid ?? daemon.Supervisor?.Pid ?? status.Holders.FirstOrDefault();
            return await RunScheduleAsync(p, paths, daemon, pid, schedule, target, options, Done, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The status, once no start is in progress: while the lock holder (`pidguard start` handing the lock
    /// over, or the supervisor before its program runs) has no program yet, it is not signalled; the
    /// stop waits until the program runs (then stops it) or the start failed (nothing to stop), until <paramref name="until"/>.
    /// </summary>
    private static async Task<DaemonStatus> ProbeAfterStartAsync(IPlatform p, DaemonPaths paths, PidGuardOptions options, long until, CancellationToken ct)
    {
        while (true)
        {
            var status = DaemonProbe.GetStatus(paths, options, p);
            if (!IsStarting(status) || Environment.TickCount64 >= until)
                return status;
            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    private static bool IsStarting(DaemonStatus status) =>
        status.State == DaemonState.Restarting && status.Phase == SupervisorPhase.Starting
        && status.Record is { } r && r.Pid == r.Supervisor?.Pid;

    private delegate StopOutcome Outcome(StopResult result, int? pid, string? reason = null, string? signal = null, string? warning = null);

    private static async Task<StopOutcome> RunScheduleAsync(IPlatform p, DaemonPaths paths, IDaemonTarget daemon, int? pid, StopSchedule schedule, StopTarget target,
        PidGuardOptions options, Outcome done, CancellationToken ct)
    {
        string? lastSignal = null;
        var steps = schedule.Steps;
        for (int i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            switch (step.Kind)
            {
                case StopStepKind.Signal:
                    var sent = daemon.Send(step.Signal, target);
                    if (sent == SignalResult.PermissionDenied)
                        return done(StopResult.Failed, pid, $"not permitted to signal PID {pid} of '{paths.Name}'", lastSignal);
                    if (sent == SignalResult.Delivered)
                    {
                        lastSignal = step.SignalName;
                        if (options.Logger is { } log)
                            Log.Signalled(log, step.SignalName ?? step.Signal.ToString(CultureInfo.InvariantCulture), paths.Name, pid ?? 0);
                    }
                    break;
                case StopStepKind.Wait:
                    if (await WaitForReleaseAsync(p, paths, daemon, step.Timeout, ct).ConfigureAwait(false))
                        return Finish(p, paths, pid, lastSignal, done);
                    break;
                case StopStepKind.Repeat:
                    i = step.RepeatFrom - 1;
                    break;
            }
        }
        // A KILL is not instant: the killed processes still hold the lock until the kernel has torn them down
        // and they are reaped. After a KILL the stop waits up to KillSettle for that, whatever the schedule's last wait.
        var settle = string.Equals(lastSignal, "KILL", StringComparison.Ordinal) ? KillSettle : TimeSpan.Zero;
        if (await WaitForReleaseAsync(p, paths, daemon, settle, ct).ConfigureAwait(false))
            return Finish(p, paths, pid, lastSignal, done);
        return done(StopResult.Failed, pid, StillHeld(p, paths, schedule), lastSignal);
    }

    private static string StillHeld(IPlatform p, DaemonPaths paths, StopSchedule schedule)
    {
        var holders = p.LStat(paths.LockFile) is { } lockFile ? LeftoverProcesses.OtherHolders(p, lockFile, main: 0) : [];
        holders.Sort();
        return holders.Count == 0
            ? $"'{paths.Name}' still holds its lock after the schedule {schedule}"
            : $"'{paths.Name}' still holds its lock after the schedule {schedule}: PID {string.Join(", ", holders)}";
    }

    private static StopOutcome Finish(IPlatform p, DaemonPaths paths, int? pid, string? lastSignal, Outcome done)
    {
        string? warning = null;
        try
        {
            StaleFiles.TryClean(p, paths, out warning); // a daemon that was killed could not remove its files
        }
        catch (PidGuardException e)
        {
            warning = $"stopped, but its files could not be removed: {e.Message}";
        }
        bool killed = string.Equals(lastSignal, "KILL", StringComparison.Ordinal);
        return done(killed ? StopResult.Killed : StopResult.Terminated, pid, null, lastSignal, warning);
    }

    /// <summary>
    /// Waits until the process signalled first has exited (woken by its pidfd) and then until the lock
    /// is free: other processes that inherited the lock may still be going (and, for a main process
    /// that is gone, until nothing is left of its session), or the name's state record is another
    /// instance's (the one pinned is gone and a newer one, never signalled, holds the lock).
    /// </summary>
    private static async Task<bool> WaitForReleaseAsync(IPlatform p, DaemonPaths paths, IDaemonTarget daemon, TimeSpan timeout, CancellationToken ct)
    {
        var primary = daemon.Primary;
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        if (primary is not null)
        {
            bool exited = timeout <= TimeSpan.Zero
                ? p.WaitForExit(primary, 0)
                : await Task.Run(() => WaitForExitSliced(p, primary, deadline, ct), ct).ConfigureAwait(false);
            if (!exited)
                return false;
        }
        int remaining = (int)Math.Max(0, deadline - Environment.TickCount64);
        // Race: a concurrent restart (or a start after it) took the name once the instance pinned was gone:
        // that instance is stopped, whoever holds the lock now is not this stop's (DaemonTarget.Superseded).
        return await Backoff.WaitUntilAsync(() => (LockFile.IsHeld(p, paths.LockFile) != true || daemon.Superseded) && !daemon.HasLeftovers, remaining, ct).ConfigureAwait(false);
    }

    private static bool WaitForExitSliced(IPlatform p, ProcessHandle process, long deadline, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            int remaining = (int)Math.Max(0, deadline - Environment.TickCount64);
            if (p.WaitForExit(process, Math.Min(remaining, 100)))
                return true;
            if (remaining <= 100)
                return false;
        }
    }
}
