using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace PidGuard.Platform.Windows;

/// <summary>A failed Win32 call, with the error code, the call and the path or object it was about.</summary>
[SupportedOSPlatform("windows")]
internal sealed class WindowsIOException : IOException
{
    public WindowsIOException(int error, string operation, string? target)
        : base(Format(error, operation, target), error)
    {
        NativeErrorCode = error;
        Operation = operation;
        Target = target;
    }

    public int NativeErrorCode { get; }
    public string Operation { get; }
    public string? Target { get; }

    /// <summary>Throws for the calling thread's last Win32 error.</summary>
    public static WindowsIOException Last(string operation, string? target) =>
        new(Marshal.GetLastPInvokeError(), operation, target);

    private static string Format(int error, string operation, string? target)
    {
        string what = Marshal.GetPInvokeErrorMessage(error);
        return target is null
            ? $"{operation} failed: {what} (error {error})"
            : $"{operation} '{target}' failed: {what} (error {error})";
    }
}
