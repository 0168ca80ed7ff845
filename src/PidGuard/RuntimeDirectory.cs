using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>Finds and secures the directory that holds the daemons' lock, pid and state files.</summary>
public static class RuntimeDirectory
{
    /// <summary>The environment variable that overrides the runtime directory.</summary>
    public const string EnvironmentVariable = "PIDGUARD_RUNTIME_DIR";

    private static readonly ConcurrentDictionary<string, bool> s_nfsWarned = new(StringComparer.Ordinal);

    /// <summary>
    /// The runtime directory, first match wins: <paramref name="explicitDirectory"/>;
    /// <c>PIDGUARD_RUNTIME_DIR</c>; then on Linux and macOS <c>/run/pidguard</c> for root,
    /// <c>$XDG_RUNTIME_DIR/pidguard</c>, <c>/run/user/UID/pidguard</c> when that directory exists and
    /// belongs to the user, <c>${TMPDIR:-/tmp}/pidguard-UID</c>; on Windows
    /// <c>%ProgramData%\pidguard</c> for LocalSystem (services) and <c>%LOCALAPPDATA%\pidguard</c>
    /// for everyone else. Nothing is created.
    /// </summary>
    public static string Resolve(string? explicitDirectory = null) => Resolve(explicitDirectory, Platforms.Current);

    internal static string Resolve(string? explicitDirectory, IPlatform platform)
    {
        if (!string.IsNullOrEmpty(explicitDirectory))
            return Path.GetFullPath(explicitDirectory);
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnv)
            return Path.GetFullPath(fromEnv);
        return platform.DefaultRuntimeDirectory(Environment.GetEnvironmentVariable);
    }

    /// <summary>The Unix resolution with its inputs given (for tests): what <see cref="Resolve(string?)"/> does on Linux and macOS.</summary>
    internal static string Resolve(string? explicitDirectory, uint uid, bool linux, Func<string, string?> env, Func<string, FileStatus?> lstat)
    {
        if (!string.IsNullOrEmpty(explicitDirectory))
            return Path.GetFullPath(explicitDirectory);
        if (env(EnvironmentVariable) is { Length: > 0 } fromEnv)
            return Path.GetFullPath(fromEnv);
        return UnixRuntimeDirectory.Default(uid, linux, env, lstat);
    }

    /// <summary>
    /// Creates the directory when missing, closed to everyone but the current user (mode 0700; on
    /// Windows an owner-only DACL), and otherwise checks that it is a real directory (not a symbolic
    /// link or reparse point) owned by the current user and not writable by anyone else. Throws
    /// <see cref="PidGuardException"/> naming the path and the problem. The mode of an existing directory is
    /// changed only to give its owner (this user) back u+rwx (Unix).
    /// </summary>
    public static string Ensure(string path, ILogger? logger = null) => Ensure(path, Platforms.Current, logger);

    internal static string Ensure(string path, IPlatform platform, ILogger? logger)
    {
        path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        FileStatus? st;
        try
        {
            st = platform.LStat(path);
            if (st is null)
            {
                string? parent = Path.GetDirectoryName(path);
                if (parent is not null && platform.LStat(parent) is null)
                    throw new PidGuardException($"Runtime directory '{path}' cannot be created: its parent '{parent}' does not exist.", path);
                platform.CreateRuntimeDirectory(path);
                st = platform.LStat(path);
            }
            st = platform.RestoreOwnerAccess(path, st);
        }
        catch (SystemCallException e)
        {
            throw new PidGuardException($"Runtime directory '{path}' is not usable: {e.Message}", path, e);
        }
        if (st is not { } s)
            throw new PidGuardException($"Runtime directory '{path}' vanished while it was being created.", path);
        if (platform.RuntimeDirectoryProblem(path, s, rootReads: false) is { } problem)
            throw new PidGuardException(problem, path);
        WarnIfNetworkFileSystem(path, platform, logger);
        return path;
    }

    /// <summary>
    /// Whether <paramref name="path"/> exists and, if it does, what makes it unsafe to use (null when
    /// it is fine). Creates and changes nothing: the check every reading command makes.
    /// </summary>
    internal static (bool Exists, string? Problem) Inspect(string path, IPlatform platform)
    {
        FileStatus? st;
        string trimmed = Path.TrimEndingDirectorySeparator(path);
        try
        {
            st = platform.LStat(trimmed);
            return st is { } s ? (true, platform.RuntimeDirectoryProblem(path, s, rootReads: true)) : (false, null);
        }
        catch (SystemCallException e)
        {
            return (true, $"Runtime directory '{path}' is not usable: {e.Message}");
        }
    }

    private static void WarnIfNetworkFileSystem(string path, IPlatform platform, ILogger? logger)
    {
        if (logger is null || !s_nfsWarned.TryAdd(path, true))
            return;
        if (platform.NetworkFileSystemName(path) is { } fs)
            Log.NetworkFileSystem(logger, path, fs);
    }
}
