using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace PidGuard.Platform.Windows;

/// <summary>A kernel object handle (process, job, event, token) released with CloseHandle.</summary>
[SupportedOSPlatform("windows")]
internal sealed class SafeObjectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public SafeObjectHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle() => Interop.Kernel32.CloseHandle(handle);
}
