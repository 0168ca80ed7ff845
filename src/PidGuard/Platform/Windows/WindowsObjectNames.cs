using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

namespace PidGuard.Platform.Windows;

/// <summary>
/// Names of the kernel objects that belong to one daemon (its stop event, its job): derived from
/// the runtime directory and the daemon name, so two directories never share an object and any
/// process that knows the directory finds it. Object names may not contain a backslash after the
/// namespace prefix, hence the hash of the directory instead of the path itself.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsObjectNames
{
    /// <summary>
    /// <c>Local\</c> objects are per logon session; <c>Global\</c> ones are seen from every session
    /// but creating them needs SeCreateGlobalPrivilege (services and administrators have it).
    /// </summary>
    public static string Prefix(bool global) => global ? @"Global\" : @"Local\";

    public static string StopEvent(string runtimeDirectory, string daemonName, bool global) =>
        $"{Prefix(global)}PidGuard.{DirectoryKey(runtimeDirectory)}.{daemonName}.stop";

    public static string Job(string runtimeDirectory, string daemonName, bool global) =>
        $"{Prefix(global)}PidGuard.{DirectoryKey(runtimeDirectory)}.{daemonName}.job";

    /// <summary>16 hex digits of SHA-256 of the full path, upper-cased (Windows paths are case-insensitive) without a trailing separator.</summary>
    public static string DirectoryKey(string runtimeDirectory)
    {
        string normalized = Path.GetFullPath(runtimeDirectory).TrimEnd('\\', '/').ToUpperInvariant();
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(normalized));
        return Convert.ToHexString(hash, 0, 8);
    }
}
