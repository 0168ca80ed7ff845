using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>A failed system call, with the errno, the call and the path it was about.</summary>
internal sealed class UnixIOException : IOException
{
    public UnixIOException(int errno, string operation, string? path)
        : base(Format(errno, operation, path), errno)
    {
        Errno = errno;
        Operation = operation;
        FilePath = path;
    }

    public int Errno { get; }
    public string Operation { get; }
    public string? FilePath { get; }

    private static string Format(int errno, string operation, string? path)
    {
        string what = Marshal.GetPInvokeErrorMessage(errno);
        return path is null
            ? $"{operation} failed: {what} (errno {errno})"
            : $"{operation} '{path}' failed: {what} (errno {errno})";
    }
}
