using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>Where one of a spawned program's standard streams goes.</summary>
internal readonly record struct StdioTarget(StdioKind Kind, string? Path = null, SafeFd? Fd = null)
{
    public static StdioTarget Inherit => new(StdioKind.Inherit);
    public static StdioTarget Null => new(StdioKind.Null);
    public static StdioTarget AppendTo(string path) => new(StdioKind.AppendToFile, path);
    public static StdioTarget Descriptor(SafeFd fd) => new(StdioKind.Descriptor, null, fd);
}

internal enum StdioKind
{
    Inherit,
    Null,
    AppendToFile,
    Descriptor,
}

/// <summary>Which session and process group a spawned program starts in.</summary>
internal enum SpawnGrouping
{
    /// <summary>The spawner's own group.</summary>
    Inherit,

    /// <summary>A new process group led by the program (setpgid(0, 0)).</summary>
    NewProcessGroup,

    /// <summary>A new session and group led by the program (setsid): no controlling terminal.</summary>
    NewSession,
}

/// <summary>
/// Everything posix_spawn needs. Only descriptors 0, 1, 2 and (when <see cref="Lock"/> is set) the
/// lock at <see cref="LockDescriptor"/> reach the program; every other descriptor is closed.
/// </summary>
internal sealed record SpawnRequest
{
    /// <summary>The descriptor number at which a spawned program finds the inherited lock.</summary>
    public const int LockDescriptor = 3;

    /// <summary>The program: a path, or a name looked up in the PATH of <see cref="Environment"/>.</summary>
    public required string Program { get; init; }

    /// <summary>argv, including argv[0].</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>The whole environment of the program, as KEY=VALUE strings.</summary>
    public required IReadOnlyList<string> Environment { get; init; }

    public string? WorkingDirectory { get; init; }
    public StdioTarget Input { get; init; } = StdioTarget.Inherit;
    public StdioTarget Output { get; init; } = StdioTarget.Inherit;

    /// <summary>Where stderr goes; <see cref="StdioKind.Inherit"/> with <see cref="ErrorToOutput"/> joins it to stdout.</summary>
    public StdioTarget Error { get; init; } = StdioTarget.Inherit;

    public bool ErrorToOutput { get; init; }

    /// <summary>
    /// The locked descriptor to pass on at <see cref="LockDescriptor"/>; null passes no lock. Unix only: on
    /// Windows a child cannot share a lock, and a program of the daemon runs in its job instead (<see cref="Holder"/>).
    /// </summary>
    public SafeHandle? Lock { get; init; }

    /// <summary>The holder's objects when the program is one of its daemon's (Windows: the job it runs in).</summary>
    public IHolderObjects? Holder { get; init; }

    public SpawnGrouping Grouping { get; init; }
}
