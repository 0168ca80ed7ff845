using System.Globalization;

namespace PidGuard.Platform;

/// <summary>The runtime directory on Unix: where it is by default, how it is created (0700), and what makes one unsafe.</summary>
internal static class UnixRuntimeDirectory
{
    private const int DirectoryMode = 0x1C0; // 0700

    /// <summary>
    /// <c>/run/pidguard</c> for root on Linux; <c>$XDG_RUNTIME_DIR/pidguard</c>; <c>/run/user/UID/pidguard</c>
    /// when that directory exists and belongs to the user (Linux); <c>${TMPDIR:-/tmp}/pidguard-UID</c>.
    /// </summary>
    public static string Default(uint uid, bool linux, Func<string, string?> env, Func<string, FileStatus?> lstat)
    {
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

    /// <summary>mkdir 0700; false when the path existed.</summary>
    public static bool Create(UnixPlatform p, string path)
    {
        if (!p.MkDir(path, DirectoryMode))
            return false;
        FixCreatedMode(p, path);
        return true;
    }

    /// <summary>
    /// mkdir applies the umask (0277 would leave the directory unwritable, 0777 unopenable): set 0700
    /// on the directory just created, through a descriptor opened without following links, so that a
    /// path swapped in between (in a world-writable parent such as /tmp) is never the one changed.
    /// When the umask left it unreadable to its owner (no descriptor can be opened), chmod by path,
    /// only after lstat shows it is still a real directory (not a symbolic link) of this user: in a
    /// sticky parent such as /tmp no other user can rename or replace it.
    /// </summary>
    private static void FixCreatedMode(UnixPlatform p, string path)
    {
        using var fd = p.TryOpen(path, OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow | OpenFlags.CloseOnExec, 0, out _);
        if (fd is null)
        {
            if (p.LStat(path) is { IsDirectory: true, IsSymbolicLink: false } created && created.OwnerUid == p.EffectiveUserId)
                p.Chmod(path, DirectoryMode);
            return;
        }
        var st = p.FStat(fd, path);
        if (st.IsDirectory && st.OwnerUid == p.EffectiveUserId && st.Permissions != DirectoryMode)
            p.FChmod(fd, DirectoryMode, path);
    }

    /// <summary>
    /// A directory of this user that its owner cannot use (created under a umask such as 0477 or 0777
    /// by an older version, or chmod'ed by hand): u+rwx is added, nothing else changed.
    /// </summary>
    public static FileStatus? RestoreOwnerAccess(UnixPlatform p, string path, FileStatus? st)
    {
        if (st is not { IsDirectory: true, IsSymbolicLink: false } s || s.OwnerUid != p.EffectiveUserId || (s.Permissions & DirectoryMode) == DirectoryMode)
            return st;
        p.Chmod(path, s.Permissions | DirectoryMode);
        return p.LStat(path);
    }

    /// <summary>A real directory (not a symbolic link), owned by the user, not writable by group or others.</summary>
    public static string? Problem(string path, FileStatus s, uint uid, bool rootReads)
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
}
