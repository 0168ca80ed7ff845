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

    /// <summary>
    /// Null when <paramref name="pid"/> is the daemon (<see cref="DaemonStateRecord.Pid"/>) or its
    /// supervised child (<see cref="DaemonStateRecord.ChildPid"/>) as recorded; otherwise why not.
    /// </summary>
    internal static string? MismatchOfDaemonOrChild(int pid, DaemonStateRecord? record, IPlatform p)
    {
        if (record is { ChildPid: { } child, ChildStartToken: { } token } && child == pid && child != record.Pid)
        {
            if (WrittenBeforeReboot(record, p))
                return "the state file was written before the last reboot";
            return p.GetStartToken(pid) == token ? null : $"PID {pid} is no longer the supervised child recorded in the state file";
        }
        return Mismatch(pid, record, p);
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
        if (WrittenBeforeReboot(record, p))
            return "the state file was written before the last reboot";
        string? live = p.GetStartToken(pid);
        if (live is null)
            return $"no process with PID {pid} exists";
        if (!string.Equals(live, record.StartToken, StringComparison.Ordinal))
            return $"PID {pid} now belongs to another process (start time {live}, expected {record.StartToken}): the PID was reused";
        return null;
    }
}
