using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace PidGuard.Platform.Windows;

/// <summary>Memory Win32 allocated for the caller with LocalAlloc (security descriptors, SDDL and SID strings).</summary>
[SupportedOSPlatform("windows")]
internal sealed class SafeLocalAllocHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeLocalAllocHandle() : base(ownsHandle: true) { }

    public string? ReadUtf16String() => IsInvalid ? null : Marshal.PtrToStringUni(handle);

    protected override bool ReleaseHandle() => Interop.Kernel32.LocalFree(handle) == 0;
}
