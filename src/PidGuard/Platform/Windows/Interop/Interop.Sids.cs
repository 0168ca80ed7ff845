using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Advapi32
    {
        internal enum WellKnownSidType
        {
            WinWorldSid = 1,
            WinCreatorOwnerSid = 3,
            WinLocalSystemSid = 22,
            WinBuiltinAdministratorsSid = 26,
        }

        [LibraryImport(Libraries.Advapi32, EntryPoint = "ConvertSidToStringSidW", SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool ConvertSidToStringSid(nint sid, out SafeLocalAllocHandle stringSid);

        [LibraryImport(Libraries.Advapi32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool EqualSid(nint sid1, nint sid2);

        [LibraryImport(Libraries.Advapi32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool IsWellKnownSid(nint sid, WellKnownSidType type);

        [LibraryImport(Libraries.Advapi32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool IsValidSid(nint sid);
    }
}
