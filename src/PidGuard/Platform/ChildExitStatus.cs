namespace PidGuard.Platform;

/// <summary>How a child process ended: its exit code, or the signal that killed it.</summary>
internal readonly record struct ChildExitStatus(int? Code, int? Signal);
