namespace PidGuard;

/// <summary>The three files of one daemon name in a runtime directory.</summary>
public sealed record DaemonPaths
{
    private DaemonPaths(string directory, string name)
    {
        Directory = directory;
        Name = name;
        LockFile = Path.Join(directory, name + ".lock");
        PidFile = Path.Join(directory, name + ".pid");
        StateFile = Path.Join(directory, name + ".json");
    }

    /// <summary>The runtime directory.</summary>
    public string Directory { get; }

    /// <summary>The daemon name.</summary>
    public string Name { get; }

    /// <summary><c>NAME.lock</c>: created once, never unlinked, flock(LOCK_EX) held by the daemon.</summary>
    public string LockFile { get; }

    /// <summary><c>NAME.pid</c>: the PID in decimal and a newline.</summary>
    public string PidFile { get; }

    /// <summary><c>NAME.json</c>: the state record.</summary>
    public string StateFile { get; }

    internal string PidTempFile => Path.Join(Directory, "." + Name + ".pid.tmp");
    internal string StateTempFile => Path.Join(Directory, "." + Name + ".json.tmp");

    /// <summary>The paths for <paramref name="name"/> in <paramref name="directory"/> (validates the name; touches nothing).</summary>
    public static DaemonPaths For(string name, string directory)
    {
        DaemonName.Validate(name);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return new DaemonPaths(Path.GetFullPath(directory), name);
    }

    /// <summary>The paths for <paramref name="name"/> in the resolved runtime directory (touches nothing).</summary>
    public static DaemonPaths Resolve(string name, PidGuardOptions? options = null) =>
        For(name, PidGuard.RuntimeDirectory.Resolve(options?.RuntimeDirectory));
}
