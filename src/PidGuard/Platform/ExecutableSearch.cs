namespace PidGuard.Platform;

/// <summary>Finds the file a program name refers to, the way a shell does: a name with a '/' is a path, any other is looked up in PATH.</summary>
internal static class ExecutableSearch
{
    /// <summary>The PATH used when the environment has none (execvp's and start-stop-daemon's choice on Linux).</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// The absolute path of <paramref name="program"/>, or null when no executable regular file is
    /// found. Relative paths are taken from <paramref name="baseDirectory"/>.
    /// </summary>
    public static string? Find(UnixPlatform platform, string program, string? pathVariable, string baseDirectory)
    {
        if (program.Length == 0)
            return null;
        if (program.Contains('/'))
        {
            string full = Path.GetFullPath(program, baseDirectory);
            return IsExecutableFile(platform, full) ? full : null;
        }
        foreach (string entry in (string.IsNullOrEmpty(pathVariable) ? DefaultPath : pathVariable).Split(':'))
        {
            string candidate = Path.GetFullPath(Path.Join(entry.Length == 0 ? "." : entry, program), baseDirectory);
            if (IsExecutableFile(platform, candidate))
                return candidate;
        }
        return null;
    }

    private static bool IsExecutableFile(UnixPlatform platform, string path)
    {
        try
        {
            return platform.Stat(path) is { IsRegularFile: true } && SpawnNative.Access(path, SpawnNative.XOk) == 0;
        }
        catch (UnixIOException)
        {
            return false;
        }
    }
}
