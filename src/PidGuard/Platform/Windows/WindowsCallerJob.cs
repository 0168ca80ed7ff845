using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// The job this process runs in, if any. A terminal, an ssh session or a CI step may hold its processes in
/// a job that kills them all when it closes; a detached supervisor must leave it, or it dies with the session.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsCallerJob
{
    /// <summary>
    /// True when a detached process must be started with CREATE_BREAKAWAY_FROM_JOB (this process is in a job
    /// that allows it). Throws when this process is in a kill-on-close job that forbids breakaway: the detached
    /// process would be killed when the caller's session ends, which is a start that only seems to work.
    /// </summary>
    public static unsafe bool MustBreakAway(string what)
    {
        using var self = WindowsProcessIdentity.TryOpen(Environment.ProcessId, ProcessAccessRights.QueryLimitedInformation);
        if (self is null || !IsProcessInAnyJob(self, 0, out bool inJob) || !inJob)
            return false;
        JobObjectExtendedLimitInformation limits;
        if (!QueryInformationOfOwnJob(0, JobObjectInfoClass.ExtendedLimitInformation, &limits, sizeof(JobObjectExtendedLimitInformation), out _))
            return false; // a job we may not query: start normally, as without breakaway
        var flags = limits.BasicLimitInformation.LimitFlags;
        if ((flags & (JobObjectLimitFlags.BreakawayOk | JobObjectLimitFlags.SilentBreakawayOk)) != 0)
            return true;
        if ((flags & JobObjectLimitFlags.KillOnJobClose) != 0)
        {
            throw new PidGuardException($"Cannot start '{what}' detached: this process runs in a job that ends all its processes when it closes "
                + "and does not allow them to leave it (no JOB_OBJECT_LIMIT_BREAKAWAY_OK), so the daemon would die with this session. "
                + "Start it from a session that allows breakaway, or run it as a service.");
        }
        return false;
    }
}
