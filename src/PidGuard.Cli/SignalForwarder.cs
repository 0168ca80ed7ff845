using System.Runtime.InteropServices;

namespace PidGuard.Cli;

/// <summary>
/// Catches TERM, INT, HUP, QUIT, USR1 and USR2 in the supervisor and passes them on to the program.
/// TERM, INT and QUIT also mean "stop": <see cref="Stopping"/> completes and no program is started
/// again. Starting a program and attaching it happen under <see cref="Gate"/>, and so does each
/// signal: a signal that arrives while the program is being started waits and reaches the new
/// program; one that arrives while none runs is kept and delivered to the next.
/// </summary>
internal sealed class SignalForwarder : IDisposable
{
    private static readonly string[] Forwarded = ["TERM", "INT", "HUP", "QUIT", "USR1", "USR2"];
    private static readonly string[] StopSignals = ["TERM", "INT", "QUIT"];

    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TaskCompletionSource<int> _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<int> _pending = [];
    private DaemonProcess? _program;

    public SignalForwarder()
    {
        foreach (string name in Forwarded)
        {
            Signals.TryParse(name, out int number);
            bool stops = StopSignals.Contains(name);
            _registrations.Add(PosixSignalRegistration.Create((PosixSignal)number, ctx =>
            {
                ctx.Cancel = true; // this process decides when to exit: after its program
                OnSignal(number, stops);
            }));
        }
    }

    /// <summary>Held while a program is started and attached, and while a signal is passed on.</summary>
    public object Gate { get; } = new();

    /// <summary>Completes with the signal number when a stop signal arrived.</summary>
    public Task<int> Stopping => _stopping.Task;

    public bool IsStopping => _stopping.Task.IsCompleted;

    /// <summary>Marks the supervisor as stopping (a stop signal, or a stop decided by the supervisor itself).</summary>
    public void Stop(int signal) => _stopping.TrySetResult(signal);

    /// <summary>Makes <paramref name="program"/> the receiver (call under <see cref="Gate"/>); signals kept meanwhile are delivered.</summary>
    public void Attach(DaemonProcess? program)
    {
        lock (Gate)
        {
            _program = program;
            if (program is null)
                return;
            foreach (int signal in _pending)
                program.Signal(signal);
            _pending.Clear();
        }
    }

    /// <summary>Acts as if <paramref name="signal"/> had arrived (the supervisor deciding to stop its program itself).</summary>
    public void Raise(int signal, bool stops) => OnSignal(signal, stops);

    /// <summary>SIGKILL to the program, if one runs (its leftovers are ended after it exits).</summary>
    public void KillProgram()
    {
        lock (Gate)
        {
            if (_program is { HasExited: false } program)
                program.Signal(Signals.Kill);
        }
    }

    private void OnSignal(int signal, bool stops)
    {
        lock (Gate)
        {
            if (stops)
                _stopping.TrySetResult(signal);
            // Race: the program exits while a signal is passed on. It is our own child, not reaped before
            // it is detached under this gate, so its PID cannot have been reused.
            if (_program is { HasExited: false } program)
                program.Signal(signal);
            else if (!stops)
                _pending.Add(signal);
        }
    }

    public void Dispose()
    {
        foreach (var r in _registrations)
            r.Dispose();
    }
}
