namespace PidGuard;

/// <summary>
/// A problem with the runtime directory or one of a daemon's files that PidGuard refuses to work
/// around (wrong owner, a symbolic link, unsafe permissions, an unreadable file). The message
/// names the path and the problem.
/// </summary>
public class PidGuardException : IOException
{
    /// <summary>Creates the exception.</summary>
    public PidGuardException(string message, string? path = null, Exception? inner = null)
        : base(message, inner) => FilePath = path;

    /// <summary>The file or directory the problem is about, when there is one.</summary>
    public string? FilePath { get; }
}
