using System.Runtime.InteropServices;

namespace PidGuard.Cli.Native;

/// <summary>The user database (getpwnam, getgrnam) and the calls that change a process's identity.</summary>
internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "getpwnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial byte* GetPwNam(string name);

    [LibraryImport(Name, EntryPoint = "getpwuid")]
    private static partial byte* GetPwUid(uint uid);

    [LibraryImport(Name, EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial byte* GetGrNam(string name);

    [LibraryImport(Name, EntryPoint = "getgrgid")]
    private static partial byte* GetGrGid(uint gid);

    [LibraryImport(Name, EntryPoint = "geteuid")]
    public static partial uint GetEUid();

    [LibraryImport(Name, EntryPoint = "getuid")]
    public static partial uint GetUid();

    [LibraryImport(Name, EntryPoint = "getegid")]
    public static partial uint GetEGid();

    [LibraryImport(Name, EntryPoint = "initgroups", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int InitGroups(string user, uint group);

    [LibraryImport(Name, EntryPoint = "setgroups", SetLastError = true)]
    public static partial int SetGroups(nuint count, uint* groups);

    [LibraryImport(Name, EntryPoint = "setgid", SetLastError = true)]
    public static partial int SetGid(uint gid);

    [LibraryImport(Name, EntryPoint = "setuid", SetLastError = true)]
    public static partial int SetUid(uint uid);

    /// <summary>A passwd entry: name, uid, gid, home, shell.</summary>
    public readonly record struct PasswdEntry(string Name, uint Uid, uint Gid, string Home, string Shell);

    public static PasswdEntry? UserByName(string name) => Passwd(GetPwNam(name));

    public static PasswdEntry? UserById(uint uid) => Passwd(GetPwUid(uid));

    public static (string Name, uint Gid)? GroupByName(string name) => Group(GetGrNam(name));

    public static (string Name, uint Gid)? GroupById(uint gid) => Group(GetGrGid(gid));

    private static PasswdEntry? Passwd(byte* pw)
    {
        if (pw == null)
            return null;
        // struct passwd: name, passwd, uid, gid, then (macOS: change, class) gecos, dir, shell.
        bool mac = OperatingSystem.IsMacOS();
        string name = Text(*(byte**)pw);
        uint uid = *(uint*)(pw + 16);
        uint gid = *(uint*)(pw + 20);
        string home = Text(*(byte**)(pw + (mac ? 48 : 32)));
        string shell = Text(*(byte**)(pw + (mac ? 56 : 40)));
        return new PasswdEntry(name, uid, gid, home, shell);
    }

    private static (string, uint)? Group(byte* gr) => gr == null ? null : (Text(*(byte**)gr), *(uint*)(gr + 16));

    private static string Text(byte* s) => s == null ? "" : Marshal.PtrToStringUTF8((nint)s) ?? "";
}
