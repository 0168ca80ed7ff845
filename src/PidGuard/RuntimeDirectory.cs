using System.Collections.Concurrent;
using System.Globalization;
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
    /// <c>PIDGUARD_RUNTIME_DIR</c>; <c>/run/pidguard</c> for root; <c>$XDG_RUNTIME_DIR/pidguard</c>;
    /// <c>/run/user/UID/pidguard</c> when that directory exists and belongs to the user;
    /// <c>${TMPDIR:-/tmp}/pidguard-UID</c>. Nothing is created.
    /// </summary>
    public static string Resolve(string? explicitDirectory = null) => Resolve(explicitDirectory, Platforms.Current);

    internal static string Resolve(string? explicitDirectory, IPlatform platform) =>
        Resolve(explicitDirectory, platform.EffectiveUserId, OperatingSystem.IsLinux(), Environment.GetEnvironmentVariable, platform.LStat);

    internal static string Resolve(string? explicitDirectory, uint uid, bool linux, Func<string, string?> env, Func<string, FileStatus?> lstat)
    {
        if (!string.IsNullOrEmpty(explicitDirectory))
            return Path.GetFullPath(explicitDirectory);
        if (env(EnvironmentVariable) is { Length: > 0 } fromEnv)
            return Path.GetFullPath(fromEnv);
        if (uid == 0 && linux)
            return "/run/pidguard";
        if (env("XDG_RUNTIME_DIR") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return Path.Join(xdg, "pidguard");
        string uidText = uid.ToString(CultureInfo.InvariantCulture);
        string runUser = $"/run/user/{uidText}";
        if (linux && lstat(runUser) is { IsDirectory: true } st && st.OwnerUid == uid)
            return Path.Join(runUser, "pidguard");
        string tmp = env("TMPDIR") is { Length: > 0 } t && Path.IsPathRooted(t) ? t : "/tmp";
        return Path.Join(tmp, $"pidguard-{uidText}");
    }

    /// <summary>
    /// Creates the directory (mode 0700) when missing, and otherwise checks that it is a real
    /// directory (not a symbolic link) owned by the current user and not writable by group or
    /// others. Throws <see cref="PidGuardException"/> naming the path and the problem. The mode of
    /// an existing directory is changed only to give its owner (this user) back u+rwx.
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
                if (platform.MkDir(path, DirectoryMode))
                    FixCreatedMode(path, platform);
                st = platform.LStat(path);
            }
            st = RepairOwnerAccess(path, st, platform);
        }
        catch (UnixIOException e)
        {
            throw new PidGuardException($"Runtime directory '{path}' is not usable: {e.Message}", path, e);
        }
        Check(path, st, platform.EffectiveUserId);
        WarnIfNetworkFileSystem(path, platform, logger);
        return path;
    }

    private const int DirectoryMode = 0x1C0; // 0700

    /// <summary>
    /// mkdir applies the umask (0277 would leave the directory unwritable, 0777 unopenable): set 0700
    /// on the directory just created, through a descriptor opened without following links, so that a
    /// path swapped in between (in a world-writable parent such as /tmp) is never the one changed.
    /// When the umask left it unreadable to its owner (no descriptor can be opened), chmod by path,
    /// only after lstat shows it is still a real directory (not a symbolic link) of this user: in a
    /// sticky parent such as /tmp no other user can rename or replace it.
    /// </summary>
    private static void FixCreatedMode(string path, IPlatform platform)
    {
        var c = platform.Constants;
        SafeFd? fd = null;
        try
        {
            fd = platform.TryOpen(path, c.ORdOnly | c.ODirectory | c.ONoFollow | c.OCloExec, 0, out _);
            if (fd is null)
            {
                if (platform.LStat(path) is { IsDirectory: true, IsSymbolicLink: false } st && st.OwnerUid == platform.EffectiveUserId)
                    platform.Chmod(path, DirectoryMode);
                return;
            }
            var opened = platform.FStat(fd, path);
            if (opened.IsDirectory && opened.OwnerUid == platform.EffectiveUserId && opened.Permissions != DirectoryMode)
                platform.FChmod(fd, DirectoryMode, path);
        }
        finally
        {
            fd?.Dispose();
        }
    }

    /// <summary>
    /// A directory of this user that its owner cannot use (created under a umask such as 0477 or 0777
    /// by an older version, or chmod'ed by hand): u+rwx is added, nothing else changed.
    /// </summary>
    private static FileStatus? RepairOwnerAccess(string path, FileStatus? st, IPlatform platform)
    {
        if (st is not { IsDirectory: true, IsSymbolicLink: false } s || s.OwnerUid != platform.EffectiveUserId || (s.Permissions & DirectoryMode) == DirectoryMode)
            return st;
        platform.Chmod(path, s.Permissions | DirectoryMode);
        return platform.LStat(path);
    }

    private static void Check(string path, FileStatus? st, uint uid)
    {
        if (st is not { } s)
            throw new PidGuardException($"Runtime directory '{path}' vanished while it was being created.", path);
        if (Problem(path, s, uid, rootReads: false) is { } problem)
            throw new PidGuardException(problem, path);
    }

    /// <summary>
    /// Whether <paramref name="path"/> exists and, if it does, what makes it unsafe to use (null when
    /// it is fine). Creates and changes nothing: the check every reading command makes.
    /// </summary>
    internal static (bool Exists, string? Problem) Inspect(string path, IPlatform platform)
    {
        FileStatus? st;
        try
        {
            st = platform.LStat(Path.TrimEndingDirectorySeparator(path));
        }
        catch (UnixIOException e)
        {
            return (true, $"Runtime directory '{path}' is not usable: {e.Message}");
        }
        return st is { } s ? (true, Problem(path, s, platform.EffectiveUserId, rootReads: true)) : (false, null);
    }

    private static string? Problem(string path, FileStatus s, uint uid, bool rootReads)
    {
        if (s.IsSymbolicLink)
            return $"Runtime directory '{path}' is a symbolic link; PidGuard requires a real directory.";
        if (!s.IsDirectory)
            return $"Runtime directory '{path}' is {s.Describe()}, not a directory.";
        // Root may look into a directory of the daemon's user (status, stop, list of another user's
        // daemons): that user could write there anyway; what must not happen is a third party writing
        // in it. Root does not start daemons there (Ensure): its files would lock the user out.
        if (s.OwnerUid != uid && !(rootReads && uid == 0))
            return $"Runtime directory '{path}' is owned by uid {s.OwnerUid}, not by the current user (uid {uid}).";
        if ((s.Permissions & 0x12 /* 022 */) != 0)
            return $"Runtime directory '{path}' is group- or world-writable (mode {Convert.ToString(s.Permissions, 8)}); PidGuard requires it not to be (chmod go-w).";
        return null;
    }

    private static void WarnIfNetworkFileSystem(string path, IPlatform platform, ILogger? logger)
    {
        if (logger is null || !s_nfsWarned.TryAdd(path, true))
            return;
        if (platform.NetworkFileSystemName(path) is { } fs)
            Log.NetworkFileSystem(logger, path, fs);
    }
}
