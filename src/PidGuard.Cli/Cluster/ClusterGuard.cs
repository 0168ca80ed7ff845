namespace PidGuard.Cli.Cluster;

/// <summary>
/// What a supervisor does for the cluster scope: holds the lease while the program may run, tells the
/// program its fencing token, starts it so that it dies with the supervisor, and ends it when the
/// lease is lost (TERM, then KILL well within <see cref="SupervisorLease.StopWithin"/>, so it is gone
/// before the server can give the name to another host) or when another host asks it to stop (the
/// usual stop: TERM, then KILL after 10 s). A lost lease is never taken again by this supervisor.
/// </summary>
internal sealed class ClusterGuard : IAsyncDisposable
{
    /// <summary>EX_UNAVAILABLE, as PidGuard.Hosting's DaemonExitCodes.ScopeLost.</summary>
    public const int LostExitCode = 69;

    private static readonly TimeSpan RequestedStopKillAfter = TimeSpan.FromSeconds(10); // StopSchedule.Default's TERM step

    private readonly SupervisorLease _lease;
    private readonly SpawnThread _spawner = new();
    private readonly List<IDisposable> _watches = [];
    private readonly CancellationTokenSource _done = new();
    private int _lost;

    private ClusterGuard(SupervisorLease lease) => _lease = lease;

    public static Task<ClusterGuard> AcquireAsync(DaemonPaths paths, ClusterSettings settings, TimeSpan wait, CancellationToken ct) =>
        ClusterFeature.IsSupported ? AcquireCoreAsync(paths, settings, wait, ct) : throw ClusterFeature.Missing();

    private static async Task<ClusterGuard> AcquireCoreAsync(DaemonPaths paths, ClusterSettings settings, TimeSpan wait, CancellationToken ct) =>
        new(await SupervisorLease.AcquireAsync(paths, settings, wait, ct).ConfigureAwait(false));

    public string Describe => $"holding the cluster lease on {_lease.Server}, epoch {_lease.EpochText}"
        + (_lease.TakeoverWait > TimeSpan.Zero ? $" (waited {TimeText.Of(_lease.TakeoverWait)} for the previous holder's lease to run out)" : "");

    public string EpochText => _lease.EpochText;

    /// <summary>True once the lease was lost: the supervisor exits <see cref="LostExitCode"/>.</summary>
    public bool IsLost => Volatile.Read(ref _lost) != 0;

    /// <summary>A program may be started only while this is true (checked under the signal gate, right before the start).</summary>
    public bool MayStart => !IsLost && _lease.IsHeld;

    /// <summary>How long leftovers of a program may take to end: after a loss, only what remains of the margin.</summary>
    public TimeSpan LeftoverGrace(TimeSpan usual) => IsLost ? _lease.StopWithin / 2 : usual;

    /// <summary>Starts the program on the thread that lives as long as this process (see <see cref="SpawnThread"/>).</summary>
    public DaemonProcess Start(Func<DaemonProcess> start) => _spawner.Run(start);

    /// <summary>The program, wrapped so that it is killed when the supervisor dies.</summary>
    public static DaemonStartInfo Fenced(string programPath, IReadOnlyList<string> command)
    {
        var self = SelfCommand.Get();
        return new DaemonStartInfo(self[0], [.. self.Skip(1), .. FencedExec.Arguments(Environment.ProcessId, programPath, command)]);
    }

    public void Watch(SignalForwarder signals, Action<string> say)
    {
        _watches.Add(_lease.Lost.Register(() =>
        {
            Interlocked.Exchange(ref _lost, 1);
            var killAt = _lease.StopWithin / 2;
            say($"the cluster lease is lost ({_lease.LostReason}): stopping the program (TERM, KILL after {TimeText.Of(killAt)}); not restarting it");
            signals.Raise(Signals.Terminate, stops: true);
            _ = KillLaterAsync(signals, killAt);
        }));
        _watches.Add(_lease.StopRequested.Register(() =>
        {
            if (IsLost)
                return;
            say("stop requested from another host (stop --cluster): stopping the program (TERM, KILL after 10 s)");
            signals.Raise(Signals.Terminate, stops: true);
            _ = KillLaterAsync(signals, RequestedStopKillAfter);
        }));
    }

    private async Task KillLaterAsync(SignalForwarder signals, TimeSpan after)
    {
        try
        {
            await Task.Delay(after, _done.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        signals.KillProgram();
    }

    /// <summary>Releases the lease (after the program has stopped): cleanly when it is still held, so a successor starts at once.</summary>
    public async ValueTask DisposeAsync()
    {
        await _done.CancelAsync().ConfigureAwait(false);
        foreach (var w in _watches)
            w.Dispose();
        await _lease.DisposeAsync().ConfigureAwait(false);
    }
}
