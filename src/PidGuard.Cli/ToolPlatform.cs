using PidGuard.Platform;

namespace PidGuard.Cli;

/// <summary>The tool's own system calls (log pipe and rotation, /proc reads, prune) go through the Unix platform layer.</summary>
internal static class ToolPlatform
{
    public static UnixPlatform Unix => Platforms.Current as UnixPlatform
        ?? throw new PlatformNotSupportedException("The pidguard tool runs on Linux and macOS only: its supervisor, log pipe and signals are Unix.");
}
