namespace PidGuard.Platform;

/// <summary>The platform layer of the running operating system.</summary>
internal static class Platforms
{
    private static readonly Lazy<IPlatform> s_current = new(Create);

    public static IPlatform Current => s_current.Value;

    private static IPlatform Create()
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            return new UnixPlatform();
        throw new PlatformNotSupportedException(
            "PidGuard supports Linux and macOS: its instance lock is flock(2) on a lock file, which this operating system does not provide.");
    }
}
