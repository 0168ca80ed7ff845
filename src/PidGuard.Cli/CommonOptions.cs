using System.CommandLine;

namespace PidGuard.Cli;

/// <summary>The options every command shares for choosing a daemon.</summary>
internal static class CommonOptions
{
    public static Option<string?> Dir() => new("--dir", "-d")
    {
        Description = "Runtime directory (default: $PIDGUARD_RUNTIME_DIR, /run/pidguard for root, $XDG_RUNTIME_DIR/pidguard, /tmp/pidguard-UID).",
        HelpName = "DIR",
    };

    public static Option<string?> Name() => new("--name")
    {
        Description = "Daemon name (instead of the NAME argument).",
        HelpName = "NAME",
    };

    public static Option<string?> PidFile() => new("--pidfile", "-p")
    {
        Description = "Select the daemon by its pid file: DIR/NAME.pid means --dir DIR --name NAME.",
        HelpName = "PATH",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for scripts." };
}
