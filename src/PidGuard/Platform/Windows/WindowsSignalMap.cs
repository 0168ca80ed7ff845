using System.Runtime.Versioning;

namespace PidGuard.Platform.Windows;

/// <summary>What a signal of the stop schedule or of <c>pidguard signal</c> does on Windows.</summary>
internal enum WindowsSignalAction
{
    /// <summary>0: only checks that the process exists.</summary>
    Probe,

    /// <summary>
    /// TERM: set the daemon's stop event; to a program this process started in a process group of its
    /// own (a handoff child being aborted), CTRL+BREAK.
    /// </summary>
    Graceful,

    /// <summary>KILL: TerminateJobObject on the daemon's job (the whole tree), else TerminateProcess.</summary>
    Terminate,
}

/// <summary>
/// Windows has no signals. The schedule grammar keeps its names and numbers (the Linux numbering,
/// shared by every platform's schedules); this says which have a meaning and refuses the rest.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsSignalMap
{
    private const int Term = 15;
    private const int Kill = 9;
    private const int Quit = 3;
    private const int Int = 2;

    /// <summary>The action for a signal number, or null with the reason it is refused.</summary>
    public static WindowsSignalAction? ActionFor(int signal, string name, out string? refusal)
    {
        refusal = null;
        switch (signal)
        {
            case 0: return WindowsSignalAction.Probe;
            case Term: return WindowsSignalAction.Graceful;
            case Kill: return WindowsSignalAction.Terminate;
            case Int:
                refusal = "INT would be CTRL+C, which Windows cannot send to one process group (and turns off in a new group); use TERM (the daemon's stop event) or KILL";
                return null;
            case Quit:
                refusal = "QUIT would be CTRL+BREAK, which reaches only a process group on the sender's own console; use TERM (the daemon's stop event) or KILL";
                return null;
            default:
                refusal = $"{name} has no meaning on Windows; signal accepts TERM (the daemon's stop event) and KILL (terminate the daemon's processes)";
                return null;
        }
    }
}
