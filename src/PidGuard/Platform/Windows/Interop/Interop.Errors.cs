namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    /// <summary>The Win32 error codes the Windows platform layer tells apart.</summary>
    internal static class Errors
    {
        internal const int ERROR_SUCCESS = 0;
        internal const int ERROR_FILE_NOT_FOUND = 2;
        internal const int ERROR_PATH_NOT_FOUND = 3;
        internal const int ERROR_ACCESS_DENIED = 5;
        internal const int ERROR_INVALID_HANDLE = 6;
        internal const int ERROR_INVALID_ACCESS = 12;
        internal const int ERROR_SHARING_VIOLATION = 32;
        internal const int ERROR_LOCK_VIOLATION = 33;
        internal const int ERROR_NOT_SUPPORTED = 50;
        internal const int ERROR_INVALID_PARAMETER = 87;
        internal const int ERROR_CALL_NOT_IMPLEMENTED = 120;
        internal const int ERROR_NOT_LOCKED = 158;
        internal const int ERROR_ALREADY_EXISTS = 183;
        internal const int ERROR_INSUFFICIENT_BUFFER = 122;
        internal const int ERROR_MORE_DATA = 234;
        internal const int ERROR_NOT_FOUND = 1168;
    }
}
