using System.Diagnostics;
using System.Runtime.InteropServices;
using PidGuard.Platform;

namespace PidGuard.Cli;

/// <summary>
/// Catches TERM, INT, HUP, QUIT, USR1 and USR2 in this process and passes them on to the current
/// child. TERM, INT and QUIT also mean "stop": <see cref="Stopping"/> completes.
/// </summary>
internal sealed class SignalForwarder : IDisposable
{
    private static readonly string[] Forwarded = ["TERM", "INT", "HUP", "QUIT", "USR1", "USR2"];
    private static readonly string[] StopSignals = ["TERM", "INT", "QUIT"];

    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TaskCompletionSource<int> _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private Process? _child;

    public SignalForwarder()
    {
        var table = Platforms.Current.Signals;
        foreach (string name in Forwarded)
        {
            table.TryParse(name, out int number);
            bool stops = StopSignals.Contains(name);
            _registrations.Add(PosixSignalRegistration.Create((PosixSignal)number, ctx =>
            {
                ctx.Cancel = true; // this process decides when to exit: after its child
                if (stops)
                    _stopping.TrySetResult(number);
                Forward(number);
            }));
        }
    }

    /// <summary>Completes with the signal number when a stop signal arrived.</summary>
    public Task<int> Stopping => _stopping.Task;

    public bool IsStopping => _stopping.Task.IsCompleted;

    public void Attach(Process? child)
    {
        lock (_gate)
            _child = child;
    }

    private void Forward(int signal)
    {
        lock (_gate)
        {
            // Our own child, not yet reaped (HasExited reaps): its PID cannot have been reused.
            if (_child is { } c && !c.HasExited)
                Platforms.Current.Kill(c.Id, signal);
        }
    }

    public void Dispose()
    {
        foreach (var r in _registrations)
            r.Dispose();
    }
}
