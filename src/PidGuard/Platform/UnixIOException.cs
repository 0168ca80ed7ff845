using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>A failed libc call, with the errno, the call and the path it was about (a <see cref="PidGuardException"/>, so callers meet one family).</summary>
internal sealed class UnixIOException : SystemCallException
{
    public UnixIOException(int errno, string operation, string? path)
        : base(Format(errno, operation, path), operation, path)
    {
        Errno = errno;
        HResult = errno;
    }

    public int Errno { get; }

    private static string Format(int errno, string operation, string? path)
    {
        string what = Marshal.GetPInvokeErrorMessage(errno);
        return path is null
            ? $"{operation} failed: {what} (errno {errno})"
            : $"{operation} '{path}' failed: {what} (errno {errno})";
    }
}
