using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Advapi32
    {
        internal const uint TOKEN_QUERY = 0x0008;

        internal enum TokenInformationClass
        {
            TokenUser = 1,
            TokenOwner = 4,
            TokenElevation = 20,
        }

        [LibraryImport(Libraries.Advapi32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool OpenProcessToken(nint process, uint desiredAccess, out SafeObjectHandle token);

        /// <summary>TOKEN_USER and TOKEN_OWNER both start with the SID pointer.</summary>
        [LibraryImport(Libraries.Advapi32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool GetTokenInformation(SafeObjectHandle token, TokenInformationClass infoClass, void* info, int length, out int returnLength);
    }
}
