using PidGuard.Platform;

namespace PidGuard;

/// <summary>Whose files PidGuard may lock, repair or remove.</summary>
internal static class FileOwnership
{
    /// <summary>
    /// True when the file belongs to the current user, or, for root, to the user who owns the directory
    /// it is in: root manages another user's daemons in that user's runtime directory, but a file of a
    /// third user (in root's own directory, say) is never PidGuard's to touch.
    /// </summary>
    public static bool IsOurs(IPlatform p, FileStatus file, string path)
    {
        uint self = p.EffectiveUserId;
        if (file.OwnerUid == self)
            return true;
        return self == 0 && Path.GetDirectoryName(path) is { Length: > 0 } dir && p.LStat(dir) is { } d && d.OwnerUid == file.OwnerUid;
    }
}
