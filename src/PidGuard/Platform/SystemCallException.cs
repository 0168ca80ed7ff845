namespace PidGuard.Platform;

/// <summary>
/// A failed system call, libc or Win32: the message names the call, the path or object it was about,
/// and the system's error text. The protocol code catches this one type whatever the platform.
/// </summary>
internal abstract class SystemCallException(string message, string operation, string? path)
    : PidGuardException(message, path)
{
    /// <summary>The call that failed (<c>open</c>, <c>LockFileEx</c>).</summary>
    public string Operation { get; } = operation;
}
