using System.Runtime.Versioning;

namespace PidGuard.Platform.Windows;

/// <summary>What a signal of the stop schedule or of <c>pidguard signal</c> does on Windows.</summary>
internal enum WindowsSignalAction
{
    /// <summary>0: only checks that the process exists.</summary>
    Probe,

    /// <summary>TERM: set the daemon's stop event; a supervisor then sends CTRL+BREAK to its program.</summary>
    Graceful,

    /// <summary>QUIT (what .NET calls CTRL+BREAK): CTRL+BREAK to the program's process group, by its supervisor.</summary>
    CtrlBreak,

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
    public const int Term = 15;
    public const int Kill = 9;
    public const int Quit = 3;
    public const int Int = 2;

    /// <summary>The action for a signal number, or null with the reason it is refused.</summary>
    public static WindowsSignalAction? ActionFor(int signal, string name, out string? refusal)
    {
        refusal = null;
        switch (signal)
        {
            case 0: return WindowsSignalAction.Probe;
            case Term: return WindowsSignalAction.Graceful;
            case Quit: return WindowsSignalAction.CtrlBreak;
            case Kill: return WindowsSignalAction.Terminate;
            case Int:
                refusal = "INT would be CTRL+C, which Windows cannot send to one process group (and turns off in a new group); use TERM or QUIT (CTRL+BREAK)";
                return null;
            default:
                refusal = $"{name} has no meaning on Windows; signal accepts TERM (stop event, then CTRL+BREAK), QUIT (CTRL+BREAK) and KILL (terminate the job)";
                return null;
        }
    }
}
