using System.CommandLine;
using PidGuard.Cli.Cluster;

namespace PidGuard.Cli.Commands;

internal static class StopCommand
{
    public static Option<double?> TimeoutOption() => new("--timeout", "-t")
    {
        Description = "Seconds to wait after TERM and again after KILL: --timeout N means --retry TERM/N/KILL/N.",
        HelpName = "SEC",
    };

    public static Option<string?> RetryOption() => new("--retry", "-R")
    {
        Description = "Stop schedule in start-stop-daemon's grammar, e.g. TERM/10/KILL/5 (the default) or HUP/5/forever/TERM/10.",
        HelpName = "SCHEDULE",
    };

    public static Option<bool> GroupOption() => new("--group")
    {
        Description = "Signal the daemon's whole process group (daemons started by 'pidguard start' lead their own).",
    };

    public static StopSchedule Schedule(double? timeout, string? retry)
    {
        if (timeout is not null && retry is not null)
            throw CliError.Usage("give either --timeout or --retry, not both");
        if (Seconds.Parse(timeout, "--timeout") is { } t)
            return StopSchedule.FromTimeout(t);
        return retry is null ? StopSchedule.Default : StopSchedule.Parse(retry);
    }

    public static Command Create()
    {
        var name = new Argument<string?>("NAME") { Arity = ArgumentArity.ZeroOrOne, Description = "Daemon name." };
        var selector = new DaemonSelector();
        var timeout = TimeoutOption();
        var retry = RetryOption();
        var group = GroupOption();
        var command = new Command("stop", "Stop a daemon: TERM, wait, KILL, wait; only a process proven to be the daemon is signalled. Exit 0 when it no longer runs, 1 when it could not be stopped. Example: pidguard stop web --timeout 30");
        command.Arguments.Add(name);
        selector.AddTo(command);
        command.Options.Add(timeout);
        command.Options.Add(retry);
        command.Options.Add(group);
        var cluster = new ClusterOptions(timings: false);
        cluster.AddTo(command);
        var force = new Option<bool>("--force") { Description = "With --cluster: terminate the holder's database session instead of asking it to stop; the holder fences itself and ends its program." };
        command.Options.Add(force);
        command.SetAction((result, ct) => CommandAction.RunAsync(async () =>
        {
            var paths = selector.Resolve(result, result.GetValue(name));
            var schedule = Schedule(result.GetValue(timeout), result.GetValue(retry));
            if (cluster.Read(result, environmentTurnsOn: false) is { } settings)
                return await ClusterAdminCommands.StopAsync(paths, settings, result.GetValue(force), Bound(schedule), ct).ConfigureAwait(false);
            if (result.GetValue(force))
                throw CliError.Usage("--force needs --cluster (a local stop already ends with KILL)");
            ForeignDirectory.Check(paths);
            var outcome = await DaemonStopper.StopAsync(paths.Name, schedule, result.GetValue(group) ? StopTarget.ProcessGroup : StopTarget.Process,
                DaemonSelector.Options(paths), ct).ConfigureAwait(false);
            return Report(outcome, CommonOptions.MissingDirectoryHint(paths.Directory));
        }));
        return command;
    }

    /// <summary>How long a stop may take: the schedule's waits added up (a repeating schedule: one pass).</summary>
    private static TimeSpan Bound(StopSchedule schedule) =>
        schedule.Steps.Where(s => s.Kind == StopStepKind.Wait).Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Timeout);

    private static void WarnIfAny(StopOutcome o)
    {
        if (o.Warning is { } warning)
            Output.Warn($"{o.Name}: {warning}");
    }

    public static int Report(StopOutcome o, string? hint = null)
    {
        switch (o.Result)
        {
            case StopResult.NotRunning:
                Output.Say(hint is null ? $"{o.Name} is not running" : $"{o.Name} is not running: {hint}");
                return ExitCodes.Ok;
            case StopResult.StaleCleaned:
                Output.Say(o.Pid is { } dead
                    ? $"{o.Name} was not running (PID {dead} had died); removed its stale files"
                    : $"{o.Name} was not running; removed its stale files");
                return ExitCodes.Ok;
            case StopResult.Terminated:
                Output.Say($"stopped {o.Name} (PID: {o.Pid}) in {TimeText.Of(o.Elapsed)}");
                WarnIfAny(o);
                return ExitCodes.Ok;
            case StopResult.Killed:
                Output.Say($"killed {o.Name} (PID: {o.Pid}) after {TimeText.Of(o.Elapsed)}");
                WarnIfAny(o);
                return ExitCodes.Ok;
            default:
                return CommandAction.Fail($"cannot stop {o.Name}: {o.Reason}", ExitCodes.Failure);
        }
    }
}
