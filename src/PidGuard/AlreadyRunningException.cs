namespace PidGuard;

/// <summary>
/// Thrown when another process holds the instance lock of a daemon name. Wider scopes derive from it
/// (a cluster lease held on another host), so one <c>catch</c> handles every "already running".
/// </summary>
public class AlreadyRunningException : PidGuardException
{
    /// <summary>Creates the exception for <paramref name="name"/>, owned by <paramref name="ownerPid"/> when known.</summary>
    public AlreadyRunningException(string name, int? ownerPid, string lockFilePath)
        : this(name, ownerPid, lockFilePath, null)
    {
    }

    /// <summary>Creates the exception, with <paramref name="detail"/> saying who holds the lock when it is not the main process.</summary>
    public AlreadyRunningException(string name, int? ownerPid, string lockFilePath, string? detail)
        : base(FormatMessage(name, ownerPid, detail), lockFilePath)
    {
        DaemonName = name;
        OwnerPid = ownerPid;
    }

    /// <summary>For a scope that words its own message (another host, say).</summary>
    protected AlreadyRunningException(string name, int? ownerPid, string message, string? path, Exception? innerException)
        : base(message, path, innerException)
    {
        DaemonName = name;
        OwnerPid = ownerPid;
    }

    /// <summary>The daemon name whose lock is held.</summary>
    public string DaemonName { get; }

    /// <summary>The PID of the lock holder, or null when it had not yet written its pid file.</summary>
    public int? OwnerPid { get; }

    private static string FormatMessage(string name, int? pid, string? detail) => (pid, detail) switch
    {
        ({ } p, null) => $"Daemon already running (PID: {p}): '{name}' is locked by another process.",
        ({ } p, { } d) => $"Daemon already running (PID: {p}): '{name}' is locked: {d}.",
        _ => $"Daemon already running (PID: unknown): '{name}' is locked by a process that has not written its pid file yet.",
    };
}
