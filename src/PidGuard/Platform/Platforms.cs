namespace PidGuard.Platform;

/// <summary>The platform layer of the running operating system, chosen once.</summary>
internal static class Platforms
{
    private static readonly Lazy<IPlatform> s_current = new(Create);

    public static IPlatform Current => s_current.Value;

    private static IPlatform Create()
    {
        if (OperatingSystem.IsLinux())
            return new LinuxPlatform();
        if (OperatingSystem.IsMacOS())
            return new MacPlatform();
        if (OperatingSystem.IsWindows())
            return new Windows.WindowsPlatform();
        throw new PlatformNotSupportedException(
            "PidGuard supports Linux, macOS and Windows: its instance lock is flock(2) or LockFileEx on a lock file, which this operating system does not provide.");
    }
}
