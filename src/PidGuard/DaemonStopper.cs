using System.Diagnostics;
using System.Globalization;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// Stops a daemon with a schedule (TERM, wait, KILL, wait), signalling only a process proven to
/// be the daemon (see <see cref="SignalDecision"/>). On Linux the process is pinned with a pidfd
/// whose identity is re-checked after opening, so no signal can reach a process that reused the
/// PID. Completion is the release of the lock, watched with poll(2) on the pidfd.
/// </summary>
public static class DaemonStopper
{
    private const int MaxRounds = 3;

    /// <summary>Stops <paramref name="name"/> with <paramref name="schedule"/>.</summary>
    public static Task<StopOutcome> StopAsync(string name, StopSchedule schedule, PidGuardOptions? options = null, CancellationToken cancellationToken = default) =>
        StopAsync(DaemonPaths.For(name, options), schedule, StopTarget.Process, options, cancellationToken);

    /// <summary>Stops the daemon whose files are <paramref name="paths"/> with <paramref name="schedule"/>.</summary>
    public static async Task<StopOutcome> StopAsync(DaemonPaths paths, StopSchedule schedule, StopTarget target = StopTarget.Process,
        PidGuardOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(schedule);
        options ??= new PidGuardOptions();
        var p = Platforms.Current;
        var clock = Stopwatch.StartNew();
        StopOutcome Done(StopResult result, int? pid, string? reason = null, string? signal = null) =>
            new() { Result = result, Name = paths.Name, Pid = pid, Reason = reason, LastSignal = signal, Elapsed = clock.Elapsed };

        for (int round = 0; ; round++)
        {
            var status = DaemonProbe.GetStatus(paths, options, p);
            switch (status.State)
            {
                case DaemonState.NotRunning:
                    return Done(StopResult.NotRunning, null);
                case DaemonState.Unknown:
                    return Done(StopResult.Failed, status.Pid, status.Reason);
                case DaemonState.Stale:
                    if (StaleFiles.TryClean(p, paths))
                    {
                        if (options.Logger is { } log)
                            Log.StaleRecovered(log, paths.Name, status.Pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown", paths.PidFile);
                        return Done(StopResult.StaleCleaned, status.Pid, status.Reason);
                    }
                    if (round < MaxRounds)
                        continue; // a new instance took the lock meanwhile: look again
                    return Done(StopResult.Failed, status.Pid, status.Reason);
            }

            using var pinned = DaemonTarget.Pin(p, status);
            if (pinned.Refusal is { } refusal)
                return Done(StopResult.Failed, status.Pid, refusal);
            if (pinned.Process is null)
            {
                if (round < MaxRounds)
                    continue; // it exited between the probe and now
                return Done(StopResult.Failed, status.Pid, $"PID {status.Pid} changed identity while stopping '{paths.Name}'");
            }
            return await RunScheduleAsync(p, paths, pinned, schedule, target, options, Done, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<StopOutcome> RunScheduleAsync(IPlatform p, DaemonPaths paths, DaemonTarget daemon, StopSchedule schedule, StopTarget target,
        PidGuardOptions options, Func<StopResult, int?, string?, string?, StopOutcome> done, CancellationToken ct)
    {
        var process = daemon.Process!;
        string? lastSignal = null;
        var steps = schedule.Steps;
        for (int i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            switch (step.Kind)
            {
                case StopStepKind.Signal:
                    var sent = daemon.Send(p, step.Signal, target);
                    if (sent == SignalResult.PermissionDenied)
                        return done(StopResult.Failed, process.Pid, $"not permitted to signal PID {process.Pid} of '{paths.Name}'", lastSignal);
                    if (sent == SignalResult.Delivered)
                    {
                        lastSignal = step.SignalName;
                        if (options.Logger is { } log)
                            Log.Signalled(log, step.SignalName ?? step.Signal.ToString(CultureInfo.InvariantCulture), paths.Name, process.Pid);
                    }
                    break;
                case StopStepKind.Wait:
                    if (await WaitForReleaseAsync(p, paths, process, step.Timeout, ct).ConfigureAwait(false))
                        return Finish(p, paths, process.Pid, lastSignal, done);
                    break;
                case StopStepKind.Repeat:
                    i = step.RepeatFrom - 1;
                    break;
            }
        }
        if (await WaitForReleaseAsync(p, paths, process, TimeSpan.Zero, ct).ConfigureAwait(false))
            return Finish(p, paths, process.Pid, lastSignal, done);
        string why = p.Kill(process.Pid, 0) == SignalResult.NoSuchProcess
            ? $"PID {process.Pid} exited but the lock of '{paths.Name}' is still held (a child inherited the lock descriptor)"
            : $"'{paths.Name}' (PID {process.Pid}) is still running after the schedule {schedule}";
        return done(StopResult.Failed, process.Pid, why, lastSignal);
    }

    private static StopOutcome Finish(IPlatform p, DaemonPaths paths, int pid, string? lastSignal,
        Func<StopResult, int?, string?, string?, StopOutcome> done)
    {
        StaleFiles.TryClean(p, paths); // a daemon that was killed could not remove its files
        bool killed = string.Equals(lastSignal, "KILL", StringComparison.Ordinal);
        return done(killed ? StopResult.Killed : StopResult.Terminated, pid, null, lastSignal);
    }

    /// <summary>Waits until the process has exited and the lock is free (a child may still share the lock).</summary>
    private static async Task<bool> WaitForReleaseAsync(IPlatform p, DaemonPaths paths, ProcessHandle process, TimeSpan timeout, CancellationToken ct)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        bool exited = timeout <= TimeSpan.Zero
            ? p.WaitForExit(process, 0)
            : await Task.Run(() => WaitForExitSliced(p, process, deadline, ct), ct).ConfigureAwait(false);
        if (!exited)
            return false;
        int remaining = (int)Math.Max(0, deadline - Environment.TickCount64);
        return await Backoff.WaitUntilAsync(() => LockFile.IsHeld(p, paths.LockFile) != true, remaining, ct).ConfigureAwait(false);
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
