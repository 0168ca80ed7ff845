namespace PidGuard.Cli;

/// <summary>
/// `pidguard status NAME [--json] [--dir DIR] [--quiet]`, the command scripts and monitoring run most,
/// parsed by hand: System.CommandLine's tree is not built for it (that was a third of its run time).
/// Anything else (--help, --pidfile, an unknown or misplaced option) goes to the full parser, which
/// gives the same result and the same errors.
/// </summary>
internal static class StatusFastPath
{
    public static bool TryParse(string[] args, out string name, out string? dir, out bool json, out bool quiet)
    {
        name = "";
        dir = null;
        json = quiet = false;
        if (args.Length is < 2 or > 6 || args[0] != "status")
            return false;
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json" when !json:
                    json = true;
                    break;
                case "--quiet" or "-q" when !quiet:
                    quiet = true;
                    break;
                case "--dir" or "-d" when dir is null && i + 1 < args.Length && args[i + 1].Length > 0 && !args[i + 1].StartsWith('-'):
                    dir = args[++i];
                    break;
                case var word when name.Length == 0 && word.Length > 0 && !word.StartsWith('-') && DaemonName.IsValid(word):
                    name = word;
                    break;
                default:
                    return false;
            }
        }
        return name.Length > 0;
    }
}
