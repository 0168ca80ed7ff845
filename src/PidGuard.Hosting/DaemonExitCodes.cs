namespace PidGuard.Hosting;

/// <summary>The exit codes of <see cref="PidGuardHostExtensions.RunAsDaemonAsync"/> (sysexits.h, as the <c>pidguard</c> tool uses them).</summary>
public static class DaemonExitCodes
{
    /// <summary>75 (EX_TEMPFAIL): another instance holds the name; try again later.</summary>
    public const int AlreadyRunning = 75;

    /// <summary>69 (EX_UNAVAILABLE): a scope the daemon held (a cluster lease) was lost while it ran.</summary>
    public const int ScopeLost = 69;

    /// <summary>78 (EX_CONFIG): the runtime directory or the lock file cannot be used (owner, mode, a symbolic link, a missing parent).</summary>
    public const int CannotRun = 78;
}
