namespace PidGuard;

/// <summary>The session and process group a started program runs in.</summary>
public enum ProcessGrouping
{
    /// <summary>This process's group and session.</summary>
    Inherit,

    /// <summary>A new process group led by the program (setpgid(0, 0)): its leftovers can be ended as a group.</summary>
    NewProcessGroup,

    /// <summary>A new session and process group led by the program (setsid): no controlling terminal. For background daemons.</summary>
    NewSession,

    /// <summary>
    /// <see cref="NewProcessGroup"/>, except when this process is the foreground job of a terminal
    /// (its standard input): then the program stays in this process's group, so that the terminal's
    /// Ctrl-C and Ctrl-Z reach it as the user expects. For foreground runs.
    /// </summary>
    Interactive,
}
