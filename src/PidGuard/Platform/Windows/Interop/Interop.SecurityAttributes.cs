using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    /// <summary>SECURITY_ATTRIBUTES: the security descriptor and inheritability of a new kernel object.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct SecurityAttributes
    {
        internal int Length;
        internal void* SecurityDescriptor;
        internal int InheritHandle;

        internal static SecurityAttributes For(void* securityDescriptor, bool inherit = false) => new()
        {
            Length = sizeof(SecurityAttributes),
            SecurityDescriptor = securityDescriptor,
            InheritHandle = inherit ? 1 : 0,
        };
    }
}
