using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace PidGuard.Platform.Windows;

/// <summary>Everything <see cref="WindowsProcessLauncher"/> needs to start one program.</summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsStartInfo
{
    /// <summary>The full path of the executable (no PATH search here).</summary>
    public required string Program { get; init; }

    /// <summary>The arguments after argv[0] (which is <see cref="Program"/>).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The whole environment of the program; null inherits this process's.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    public string? WorkingDirectory { get; init; }

    /// <summary>Standard streams; null gives the program the NUL device.</summary>
    public SafeFileHandle? StandardInput { get; init; }
    public SafeFileHandle? StandardOutput { get; init; }
    public SafeFileHandle? StandardError { get; init; }

    /// <summary>
    /// Further handles the program inherits. It gets duplicates, whose values (in this order,
    /// comma-separated decimal) it finds in <see cref="InheritedHandlesVariable"/>.
    /// </summary>
    public IReadOnlyList<SafeHandle> InheritedHandles { get; init; } = [];

    public const string InheritedHandlesVariable = "PIDGUARD_INHERITED_HANDLES";

    /// <summary>CREATE_NEW_PROCESS_GROUP: the program leads a group that CTRL+BREAK can target; CTRL+C is off in it.</summary>
    public bool NewProcessGroup { get; init; }

    /// <summary>CREATE_NO_WINDOW: a console of its own that no one sees (a detached supervisor).</summary>
    public bool NoWindow { get; init; }

    /// <summary>CREATE_BREAKAWAY_FROM_JOB: leave the caller's job (refused unless that job allows breakaway).</summary>
    public bool BreakawayFromJob { get; init; }

    /// <summary>The job the program starts in: it is created suspended, assigned, then resumed, so not one instruction runs outside.</summary>
    public WindowsJob? Job { get; init; }
}

/// <summary>A started program: its PID, a handle that pins it (its PID cannot be reused while open), and its start token.</summary>
[SupportedOSPlatform("windows")]
internal sealed class StartedProcess(int pid, SafeObjectHandle handle, long creationTime) : IDisposable
{
    public int Pid { get; } = pid;
    public SafeObjectHandle Handle { get; } = handle;
    public long CreationTime { get; } = creationTime;
    public string StartToken => WindowsProcessIdentity.Token(CreationTime);
    public void Dispose() => Handle.Dispose();
}
