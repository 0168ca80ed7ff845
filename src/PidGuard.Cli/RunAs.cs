using System.Globalization;
using PidGuard.Cli.Native;

namespace PidGuard.Cli;

/// <summary>
/// Who a program runs as (--user USER[:GROUP], --group GROUP), like start-stop-daemon's --chuid:
/// the user's uid, its primary group (or the one given) and its supplementary groups, HOME, USER
/// and LOGNAME from its passwd entry. Only root can give a program another user.
/// </summary>
internal sealed record RunAs(string? UserName, uint Uid, uint Gid, string Home)
{
    public static RunAs? Resolve(string? user, string? group)
    {
        if (user is null && group is null)
            return null;
        string? userPart = user, groupPart = group;
        if (user?.IndexOf(':', StringComparison.Ordinal) is int colon and >= 0)
        {
            if (group is not null)
                throw CliError.Usage($"give the group once: --user {user} or --group {group}, not both");
            userPart = user[..colon];
            groupPart = user[(colon + 1)..];
            if (groupPart.Length == 0)
                throw CliError.Usage($"--user '{user}': the group after ':' is empty");
        }
        Libc.PasswdEntry? entry = null;
        uint uid, gid;
        string? name = null;
        string home = "/";
        if (string.IsNullOrEmpty(userPart))
        {
            uid = Libc.GetEUid(); // --group alone: the current user, another group
            entry = Libc.UserById(uid);
        }
        else if (Libc.UserByName(userPart) is { } byName)
        {
            entry = byName;
            uid = byName.Uid;
        }
        else if (uint.TryParse(userPart, NumberStyles.None, CultureInfo.InvariantCulture, out uid))
        {
            entry = Libc.UserById(uid);
        }
        else
        {
            throw CliError.Usage($"no user '{userPart}' on this system (see /etc/passwd or 'getent passwd {userPart}')");
        }
        if (entry is { } e)
        {
            name = e.Name;
            home = e.Home.Length > 0 ? e.Home : "/";
        }
        if (uid == uint.MaxValue)
            throw CliError.Usage($"--user '{user}': uid {uid.ToString(CultureInfo.InvariantCulture)} is (uid_t)-1, which setuid(2) takes for \"no change\"; not a user");
        if (groupPart is not null)
            gid = ResolveGroup(groupPart);
        else if (entry is { } withGroup)
            gid = withGroup.Gid;
        else
            throw CliError.Usage($"uid {uid} has no passwd entry, so it has no known group: give one (--user {uid}:GROUP)");
        if (gid == uint.MaxValue)
            throw CliError.Usage($"{(group is null ? $"--user '{user}'" : $"--group '{group}'")}: gid {gid.ToString(CultureInfo.InvariantCulture)} is (gid_t)-1, which setgid(2) takes for \"no change\"; not a group");
        return new RunAs(name, uid, gid, home);
    }

    private static uint ResolveGroup(string group) =>
        Libc.GroupByName(group) is { } byName ? byName.Gid
        : uint.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out uint gid) ? gid
        : throw CliError.Usage($"no group '{group}' on this system (see /etc/group or 'getent group {group}')");

    /// <summary>Refuses unless this process may become that user: root, or already that user and group.</summary>
    public void CheckAllowed()
    {
        uint euid = Libc.GetEUid();
        if (euid == 0 || (euid == Uid && Libc.GetEGid() == Gid))
            return;
        throw new CliError($"--user/--group need root: pidguard runs as uid {euid.ToString(CultureInfo.InvariantCulture)} and cannot switch to uid {Uid.ToString(CultureInfo.InvariantCulture)} gid {Gid.ToString(CultureInfo.InvariantCulture)}; run it as root (e.g. with sudo) or leave them out", ExitCodes.Failure);
    }

    /// <summary>True when the program must change identity (it would otherwise run as this process).</summary>
    public bool Changes => Libc.GetEUid() != Uid || Libc.GetEGid() != Gid;

    public string Text => $"{UserName ?? Uid.ToString(CultureInfo.InvariantCulture)} (uid {Uid.ToString(CultureInfo.InvariantCulture)}, gid {Gid.ToString(CultureInfo.InvariantCulture)})";
}
