namespace PidGuard;

/// <summary>
/// Every failure PidGuard reports derives from this: a problem with the runtime directory or one of
/// a daemon's files that PidGuard refuses to work around (wrong owner, a symbolic link, unsafe
/// permissions), a failed system call (full disk, read-only file system), or one of the documented
/// subclasses — <see cref="AlreadyRunningException"/> (another instance holds the name) and
/// <see cref="ProgramNotFoundException"/>. The message names the path and the problem. It is not an
/// <see cref="IOException"/>: code that retries disk errors must not retry "already running"; the
/// underlying I/O error, when there is one, is the <see cref="Exception.InnerException"/>.
/// </summary>
public class PidGuardException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PidGuardException(string message, string? path = null, Exception? inner = null)
        : base(message, inner) => FilePath = path;

    /// <summary>The file or directory the problem is about, when there is one.</summary>
    public string? FilePath { get; }
}
