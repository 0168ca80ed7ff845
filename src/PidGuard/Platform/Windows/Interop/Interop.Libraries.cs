using System.Runtime.Versioning;

namespace PidGuard.Platform.Windows;

/// <summary>
/// The Win32 entry points PidGuard calls, one API family per file (as dotnet/runtime's
/// <c>Interop/Windows</c> folder does). Only the Windows platform layer calls them.
/// </summary>
[SupportedOSPlatform("windows")]
internal static partial class Interop
{
    internal static class Libraries
    {
        internal const string Kernel32 = "kernel32.dll";
        internal const string Advapi32 = "advapi32.dll";
    }
}
