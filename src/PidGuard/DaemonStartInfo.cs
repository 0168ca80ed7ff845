using System.Collections;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// What to start with <see cref="InstanceLock.StartProcess"/> or <see cref="InstanceLock.HandOffAsync"/>.
/// The program gets exactly descriptors 0, 1 and 2 (as set here) and the lock at descriptor 3;
/// every other descriptor of this process is closed in it, and every signal handler is the default.
/// </summary>
public sealed class DaemonStartInfo
{
    /// <summary>Describes <paramref name="program"/> (a path, or a name looked up in the program's PATH) with its arguments.</summary>
    public DaemonStartInfo(string program, IEnumerable<string>? arguments = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        Program = program;
        Arguments = arguments?.ToList() ?? [];
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            Environment[(string)e.Key] = (string?)e.Value;
    }

    /// <summary>
    /// The program: a path (a relative one is taken from <see cref="WorkingDirectory"/>, as a shell's
    /// <c>cd DIR &amp;&amp; ./prog</c> would), or a name looked up in the PATH of <see cref="Environment"/>.
    /// </summary>
    public string Program { get; }

    /// <summary>The arguments after argv[0] (which is <see cref="Program"/>).</summary>
    public IList<string> Arguments { get; }

    /// <summary>The program's whole environment; starts as a copy of this process's. A null value removes the variable.</summary>
    public IDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>The program's working directory; null keeps this process's.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Standard input.</summary>
    public DaemonStdio StandardInput { get; set; } = DaemonStdio.Inherit;

    /// <summary>Standard output.</summary>
    public DaemonStdio StandardOutput { get; set; } = DaemonStdio.Inherit;

    /// <summary>Standard error; <see cref="DaemonStdio.SameAsOutput"/> joins it to standard output.</summary>
    public DaemonStdio StandardError { get; set; } = DaemonStdio.Inherit;

    /// <summary>The session and process group the program runs in.</summary>
    public ProcessGrouping Grouping { get; set; } = ProcessGrouping.Inherit;

    /// <summary>
    /// The absolute path of the program, found the way a shell finds it (in the PATH of
    /// <see cref="Environment"/>, or the standard PATH when it has none); throws
    /// <see cref="ProgramNotFoundException"/> when there is no such executable file.
    /// </summary>
    public string ResolveProgram() =>
        Platforms.Current.FindProgram(Program, Environment.TryGetValue("PATH", out var path) ? path : null, WorkingDirectory ?? System.Environment.CurrentDirectory)
        ?? throw new ProgramNotFoundException(Program);

    internal SpawnRequest ToSpawnRequest(IPlatform p)
    {
        foreach (string text in Arguments.Append(Program).Concat(Environment.Keys).Concat(Environment.Values.OfType<string>()))
        {
            if (text.Contains('\0'))
                throw new ArgumentException($"An argument or environment entry of '{Program}' holds a NUL character, which no program can receive.");
        }
        return new SpawnRequest
        {
            Program = Program,
            Arguments = [Program, .. Arguments],
            Environment = Environment.Where(e => e.Value is not null).Select(e => $"{e.Key}={e.Value}").ToList(),
            WorkingDirectory = WorkingDirectory,
            Input = Target(StandardInput),
            Output = Target(StandardOutput),
            Error = StandardError.Kind == DaemonStdioKind.SameAsOutput ? StdioTarget.Inherit : Target(StandardError),
            ErrorToOutput = StandardError.Kind == DaemonStdioKind.SameAsOutput,
            Grouping = Grouping switch
            {
                ProcessGrouping.NewProcessGroup => SpawnGrouping.NewProcessGroup,
                ProcessGrouping.NewSession => SpawnGrouping.NewSession,
                ProcessGrouping.Interactive => p.IsTerminal(0) && p.ForegroundProcessGroup(0) == p.OwnProcessGroup
                    ? SpawnGrouping.Inherit
                    : SpawnGrouping.NewProcessGroup,
                _ => SpawnGrouping.Inherit,
            },
        };
    }

    private static StdioTarget Target(DaemonStdio stdio) => stdio.Kind switch
    {
        DaemonStdioKind.Null => StdioTarget.Null,
        DaemonStdioKind.AppendToFile => StdioTarget.AppendTo(stdio.Path!),
        DaemonStdioKind.SameAsOutput => throw new ArgumentException("Only standard error can be the same as standard output."),
        _ => StdioTarget.Inherit,
    };
}
