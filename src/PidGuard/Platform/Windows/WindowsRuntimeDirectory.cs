using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// The runtime directory on Windows, the Unix 0700/owner/symlink rules translated: created with an
/// owner-only protected DACL; an existing one must be a real directory (not a reparse point),
/// owned by this user, and writable by no one else but SYSTEM and Administrators.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsRuntimeDirectory
{
    /// <summary><c>%LOCALAPPDATA%\pidguard</c> for a user, <c>%ProgramData%\pidguard</c> for LocalSystem (services).</summary>
    public static string Default(WindowsUser user)
    {
        bool service = string.Equals(user.UserSid, WindowsSids.LocalSystem, StringComparison.OrdinalIgnoreCase);
        var folder = service ? Environment.SpecialFolder.CommonApplicationData : Environment.SpecialFolder.LocalApplicationData;
        return Path.Combine(Environment.GetFolderPath(folder, Environment.SpecialFolderOption.DoNotVerify), "pidguard");
    }

    /// <summary>
    /// Owner and full control for this user only, protected from inheritance; objects created
    /// inside inherit it (OICI). LocalSystem's directory also lets Administrators in.
    /// </summary>
    public static string OwnerOnlySddl(WindowsUser user)
    {
        string sid = user.UserSid;
        string admins = string.Equals(sid, WindowsSids.LocalSystem, StringComparison.OrdinalIgnoreCase) ? "(A;OICI;FA;;;BA)" : "";
        return $"O:{sid}D:P(A;OICI;FA;;;{sid}){admins}";
    }

    /// <summary>Creates the directory (not its parents); false when something already exists at the path.</summary>
    public static unsafe bool Create(string path, WindowsUser user)
    {
        using var descriptor = WindowsSecurityDescriptor.FromSddl(OwnerOnlySddl(user));
        var attributes = Interop.SecurityAttributes.For((void*)descriptor.DangerousGetHandle());
        if (CreateDirectory(path, &attributes))
            return true;
        var error = WindowsIOException.Last("CreateDirectoryW", path);
        if (error.NativeErrorCode == Interop.Errors.ERROR_ALREADY_EXISTS)
            return false;
        throw error;
    }

    /// <summary>Creates the directory if missing, then checks it; throws naming the path and the problem.</summary>
    public static string Ensure(string path, WindowsUser user)
    {
        Create(path, user);
        if (Problem(path, user) is { } problem)
            throw new IOException($"The runtime directory '{path}' {problem}.");
        return path;
    }

    /// <summary>What is wrong with an existing directory, or null when it is safe to use.</summary>
    public static unsafe string? Problem(string path, WindowsUser user)
    {
        // By path first: Wine reports a Unix symbolic link here but follows it when opening a handle.
        if (WindowsFileAttributes.OfPath(path) is not { } byPath)
            return "does not exist";
        if ((byPath & FileAttributeFlags.ReparsePoint) != 0 || (byPath & FileAttributeFlags.Directory) == 0)
            return "is " + WindowsFileAttributes.Describe(byPath) + ", not a directory";
        using var handle = CreateFile(path, FileAccessRights.ReadControl | FileAccessRights.FileReadAttributes, FileShareMode.All, null,
            CreationDisposition.OpenExisting, FileFlagsAndAttributes.FlagBackupSemantics | FileFlagsAndAttributes.FlagOpenReparsePoint, 0);
        if (handle.IsInvalid)
            throw WindowsIOException.Last("CreateFileW", path);
        var byHandle = WindowsFileAttributes.OfHandle(handle, path);
        if ((byHandle & FileAttributeFlags.ReparsePoint) != 0 || (byHandle & FileAttributeFlags.Directory) == 0)
            return "is " + WindowsFileAttributes.Describe(byHandle) + ", not a directory";
        var security = WindowsSecurityDescriptor.ReadFile(handle, path);
        if (security.OwnerSid is null || !user.IsSelf(security.OwnerSid))
            return $"belongs to {Describe(security.OwnerSid)}, not to this user ({user.UserSid})";
        if (security.Dacl is null)
            return "has no DACL, so everyone may change it";
        if (WindowsDacl.FirstForeignWriter(security.Dacl, sid => Trusted(sid, user)) is { } writer)
            return $"may be changed by {Describe(writer.Sid)} (access mask 0x{writer.Mask:x}); only this user, SYSTEM and Administrators may write it";
        return null;
    }

    private static bool Trusted(string sid, WindowsUser user) =>
        user.IsSelf(sid)
        || string.Equals(sid, WindowsSids.LocalSystem, StringComparison.OrdinalIgnoreCase)
        || string.Equals(sid, WindowsSids.Administrators, StringComparison.OrdinalIgnoreCase);

    private static string Describe(string? sid) => sid switch
    {
        null => "no owner",
        WindowsSids.Everyone => "Everyone (S-1-1-0)",
        "S-1-5-11" => "Authenticated Users (S-1-5-11)",
        "S-1-5-32-545" => "Users (S-1-5-32-545)",
        _ => sid,
    };
}
