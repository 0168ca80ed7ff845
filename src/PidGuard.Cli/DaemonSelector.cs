using System.CommandLine;

namespace PidGuard.Cli;

/// <summary>Turns NAME / --name / --pidfile / --dir into the daemon's paths.</summary>
internal sealed class DaemonSelector
{
    private readonly Option<string?> _dir = CommonOptions.Dir();
    private readonly Option<string?> _name = CommonOptions.Name();
    private readonly Option<string?> _pidFile = CommonOptions.PidFile();

    public void AddTo(Command command)
    {
        command.Options.Add(_name);
        command.Options.Add(_pidFile);
        command.Options.Add(_dir);
    }

    /// <summary>True when the daemon was named by an option, so positional tokens are all the command.</summary>
    public bool NamedByOption(ParseResult result) => result.GetValue(_name) is not null || result.GetValue(_pidFile) is not null;

    public string? ExplicitDirectory(ParseResult result) => result.GetValue(_dir);

    public DaemonPaths Resolve(ParseResult result, string? positionalName) =>
        Resolve(result.GetValue(_name), result.GetValue(_pidFile), result.GetValue(_dir), positionalName);

    public static DaemonPaths Resolve(string? name, string? pidFile, string? dir, string? positionalName)
    {
        if (pidFile is not null)
        {
            if (name is not null || positionalName is not null)
                throw CliError.Usage("give the daemon either as NAME/--name or as --pidfile, not both");
            string full = Path.GetFullPath(pidFile);
            if (!full.EndsWith(".pid", StringComparison.Ordinal))
                throw CliError.Usage($"--pidfile '{pidFile}' must end in .pid (the lock and state files sit beside it as NAME.lock and NAME.json)");
            name = Path.GetFileNameWithoutExtension(full);
            if (dir is not null && Path.GetFullPath(dir) != Path.GetDirectoryName(full))
                throw CliError.Usage($"--pidfile '{pidFile}' is not in --dir '{dir}'");
            dir = Path.GetDirectoryName(full);
        }
        else if (name is not null && positionalName is not null && name != positionalName)
        {
            throw CliError.Usage($"two names given: '{positionalName}' and --name '{name}'");
        }
        name ??= positionalName ?? throw CliError.Usage("no daemon given: pass NAME, --name NAME or --pidfile PATH");
        ValidateName(name);
        return DaemonPaths.For(name, RuntimeDirectory.Resolve(dir));
    }

    /// <summary>A usage error naming the value and the offending character when <paramref name="name"/> is not a daemon name.</summary>
    public static void ValidateName(string name)
    {
        if (DaemonName.IsValid(name))
            return;
        try
        {
            DaemonName.Validate(name);
        }
        catch (ArgumentException e)
        {
            throw CliError.Usage(e.Message.Split(" (Parameter", 2)[0]);
        }
    }

    /// <summary>
    /// The check every command makes of the runtime directory before it reads a file there (status
    /// reports it as state unknown): a real directory of this user (root: of anyone), not group- or
    /// world-writable, and readable. A directory that does not exist is no problem here.
    /// </summary>
    public static void CheckDirectory(DaemonPaths paths)
    {
        var (exists, problem) = RuntimeDirectory.Inspect(paths.Directory, PidGuard.Platform.Platforms.Current);
        if (problem is not null)
            throw new CliError(problem, ExitCodes.Failure);
        if (!exists)
            return;
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(paths.Directory).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliError($"Runtime directory '{paths.Directory}' cannot be read (permission denied): run pidguard as the user who owns it, or fix its mode (chmod u+rwx)", ExitCodes.Failure);
        }
    }

    public static PidGuardOptions Options(DaemonPaths paths) => new() { RuntimeDirectory = paths.Directory };
}
