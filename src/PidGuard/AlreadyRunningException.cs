namespace PidGuard;

/// <summary>Thrown when another process holds the instance lock of a daemon name.</summary>
public sealed class AlreadyRunningException : PidGuardException
{
    /// <summary>Creates the exception for <paramref name="name"/>, owned by <paramref name="ownerPid"/> when known.</summary>
    public AlreadyRunningException(string name, int? ownerPid, string lockFilePath)
        : base(FormatMessage(name, ownerPid), lockFilePath)
    {
        DaemonName = name;
        OwnerPid = ownerPid;
    }

    /// <summary>The daemon name whose lock is held.</summary>
    public string DaemonName { get; }

    /// <summary>The PID of the lock holder, or null when it had not yet written its pid file.</summary>
    public int? OwnerPid { get; }

    private static string FormatMessage(string name, int? pid) => pid is { } p
        ? $"Daemon already running (PID: {p}): '{name}' is locked by another process."
        : $"Daemon already running (PID: unknown): '{name}' is locked by a process that has not written its pid file yet.";
}
