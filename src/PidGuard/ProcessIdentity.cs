using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// Process identity beyond the bare PID: the kernel start-time token (Linux: field 22 of
/// <c>/proc/PID/stat</c> with the boot id; elsewhere the process start time), and liveness.
/// </summary>
public static class ProcessIdentity
{
    /// <summary>The start-time token of <paramref name="pid"/>, or null when no such process exists.</summary>
    public static string? GetStartToken(int pid) => Platforms.Current.GetStartToken(pid);

    /// <summary>The current boot's identifier (Linux <c>/proc/sys/kernel/random/boot_id</c>), or null.</summary>
    public static string? BootId => Platforms.Current.BootId;

    /// <summary>
    /// True when a process with this PID exists: <c>kill(pid, 0)</c> succeeds or fails with EPERM
    /// (it exists but belongs to someone else). Only ESRCH means gone. PIDs &lt;= 0 are never alive.
    /// </summary>
    public static bool IsAlive(int pid) => IsAlive(pid, Platforms.Current);

    internal static bool IsAlive(int pid, IPlatform p) => pid switch
    {
        <= 0 => false,
        1 => true,
        _ => p.Kill(pid, 0) != SignalResult.NoSuchProcess,
    };

    /// <summary>True when the live process <paramref name="pid"/> is the one <paramref name="record"/> describes.</summary>
    public static bool Matches(int pid, DaemonStateRecord record) => Mismatch(pid, record, Platforms.Current) is null;

    /// <summary>Null when the recorded supervisor is alive and is the process recorded; otherwise why not.</summary>
    internal static string? SupervisorMismatch(DaemonStateRecord? record, IPlatform p)
    {
        if (record?.Supervisor is not { Pid: > 1 } supervisor)
            return "the state file records no supervisor";
        if (string.IsNullOrEmpty(supervisor.StartToken))
            return "the state file records no start-time token for the supervisor";
        return TokenMismatch(supervisor.Pid, supervisor.StartToken, record, p, "supervisor");
    }

    private static bool WrittenBeforeReboot(DaemonStateRecord record, IPlatform p) =>
        record.BootId is { } boot && p.BootId is { } now && !string.Equals(boot, now, StringComparison.Ordinal);

    /// <summary>Null when <paramref name="pid"/> is proven to be the process of <paramref name="record"/>; otherwise why not.</summary>
    internal static string? Mismatch(int pid, DaemonStateRecord? record, IPlatform p)
    {
        if (record is null)
            return "there is no readable state file to prove its identity";
        if (record.Pid != pid)
            return $"the state file names PID {record.Pid}, the pid file PID {pid}";
        if (string.IsNullOrEmpty(record.StartToken))
            return "the state file records no start-time token";
        return TokenMismatch(pid, record.StartToken, record, p, "process");
    }

    private static string? TokenMismatch(int pid, string token, DaemonStateRecord record, IPlatform p, string what)
    {
        if (WrittenBeforeReboot(record, p))
            return "the state file was written before the last reboot";
        string? live = p.GetStartToken(pid);
        if (live is null)
            return $"no process with PID {pid} exists (the recorded {what} is gone)";
        if (!string.Equals(live, token, StringComparison.Ordinal))
            return $"PID {pid} now belongs to another process (start time {live}, expected {token}): the PID was reused";
        return null;
    }
}
