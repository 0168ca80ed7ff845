using System.CommandLine;

namespace PidGuard.Cli;

/// <summary>The options every command shares for choosing a daemon.</summary>
internal static class CommonOptions
{
    public static Option<string?> Dir() => NotEmpty(new Option<string?>("--dir", "-d")
    {
        Description = "Runtime directory (default: $PIDGUARD_RUNTIME_DIR, /run/pidguard for root, $XDG_RUNTIME_DIR/pidguard, /tmp/pidguard-UID).",
        HelpName = "DIR",
    });

    public static Option<string?> Name() => new("--name")
    {
        Description = "Daemon name (instead of the NAME argument).",
        HelpName = "NAME",
    };

    public static Option<string?> PidFile() => NotEmpty(new Option<string?>("--pidfile", "-p")
    {
        Description = "Select the daemon by its pid file: DIR/NAME.pid means --dir DIR --name NAME.",
        HelpName = "PATH",
    });

    public static Option<bool> Json() => new("--json") { Description = "Print JSON for scripts (documented in docs/JSON.md)." };

    /// <summary>An empty path (`--log ''`, a variable that was not set) is a usage error, not the current directory.</summary>
    public static Option<string?> NotEmpty(Option<string?> option)
    {
        option.Validators.Add(r =>
        {
            if (r.Tokens.Any(t => t.Value.Length == 0))
                r.AddError($"{option.Name} must not be empty");
        });
        return option;
    }

    /// <summary>A runtime directory that does not exist, as a hint after "not running".</summary>
    public static string? MissingDirectoryHint(string directory) =>
        Directory.Exists(directory) ? null : $"the runtime directory '{directory}' does not exist (nothing was started there; check --dir or PIDGUARD_RUNTIME_DIR)";
}
