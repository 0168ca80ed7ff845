namespace PidGuard;

/// <summary>Where one standard stream of a started program goes.</summary>
public readonly record struct DaemonStdio
{
    private DaemonStdio(DaemonStdioKind kind, string? path)
    {
        Kind = kind;
        Path = path;
    }

    /// <summary>What the stream is connected to.</summary>
    public DaemonStdioKind Kind { get; }

    /// <summary>The file, for <see cref="DaemonStdioKind.AppendToFile"/>.</summary>
    public string? Path { get; }

    /// <summary>The same stream as this process's (the default).</summary>
    public static DaemonStdio Inherit => new(DaemonStdioKind.Inherit, null);

    /// <summary><c>/dev/null</c>.</summary>
    public static DaemonStdio Null => new(DaemonStdioKind.Null, null);

    /// <summary>Standard error only: the same file as standard output.</summary>
    public static DaemonStdio SameAsOutput => new(DaemonStdioKind.SameAsOutput, null);

    /// <summary>The file <paramref name="path"/>, created (0644, less the umask) if missing, written at its end.</summary>
    public static DaemonStdio AppendToFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new(DaemonStdioKind.AppendToFile, System.IO.Path.GetFullPath(path));
    }
}

/// <summary>The kinds of <see cref="DaemonStdio"/>.</summary>
public enum DaemonStdioKind
{
    /// <summary>This process's stream.</summary>
    Inherit,

    /// <summary><c>/dev/null</c>.</summary>
    Null,

    /// <summary>A file, appended to.</summary>
    AppendToFile,

    /// <summary>Standard error joined to standard output.</summary>
    SameAsOutput,
}
