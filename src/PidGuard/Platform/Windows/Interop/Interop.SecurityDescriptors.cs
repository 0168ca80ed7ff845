using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Advapi32
    {
        internal const uint SDDL_REVISION_1 = 1;

        internal enum SeObjectType
        {
            FileObject = 1,
            KernelObject = 6,
        }

        [Flags]
        internal enum SecurityInformation : uint
        {
            None = 0,
            Owner = 0x1,
            Group = 0x2,
            Dacl = 0x4,
            ProtectedDacl = 0x8000_0000,
        }

        /// <summary>The descriptor is LocalAlloc'ed: free it with <see cref="SafeLocalAllocHandle"/>.</summary>
        [LibraryImport(Libraries.Advapi32, EntryPoint = "ConvertStringSecurityDescriptorToSecurityDescriptorW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool ConvertStringSecurityDescriptorToSecurityDescriptor(string sddl, uint revision, out SafeLocalAllocHandle securityDescriptor, out uint size);

        [LibraryImport(Libraries.Advapi32, EntryPoint = "ConvertSecurityDescriptorToStringSecurityDescriptorW", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool ConvertSecurityDescriptorToStringSecurityDescriptor(nint securityDescriptor, uint revision, SecurityInformation information, out SafeLocalAllocHandle sddl, out uint length);

        /// <summary>Returns a Win32 error code (not through GetLastError); owner and DACL point into the descriptor.</summary>
        [LibraryImport(Libraries.Advapi32)]
        internal static partial int GetSecurityInfo(
            SafeHandle handle, SeObjectType objectType, SecurityInformation information,
            out nint owner, out nint group, out nint dacl, out nint sacl, out SafeLocalAllocHandle securityDescriptor);

        [LibraryImport(Libraries.Advapi32, EntryPoint = "GetNamedSecurityInfoW", StringMarshalling = StringMarshalling.Utf16)]
        internal static partial int GetNamedSecurityInfo(
            string objectName, SeObjectType objectType, SecurityInformation information,
            out nint owner, out nint group, out nint dacl, out nint sacl, out SafeLocalAllocHandle securityDescriptor);

        [LibraryImport(Libraries.Advapi32, EntryPoint = "SetNamedSecurityInfoW", StringMarshalling = StringMarshalling.Utf16)]
        internal static partial int SetNamedSecurityInfo(
            string objectName, SeObjectType objectType, SecurityInformation information,
            nint owner, nint group, nint dacl, nint sacl);

        [LibraryImport(Libraries.Advapi32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool GetSecurityDescriptorDacl(
            nint securityDescriptor, [MarshalAs(UnmanagedType.Bool)] out bool present, out nint dacl, [MarshalAs(UnmanagedType.Bool)] out bool defaulted);
    }
}
