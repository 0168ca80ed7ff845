using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// A process's identity on Windows: its PID and its creation time (<c>GetProcessTimes</c>, a
/// FILETIME in 100 ns units, absolute, so no boot id is needed). A PID alone is not identity:
/// Windows reuses PIDs as soon as the last handle to an exited process is closed.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsProcessIdentity
{
    private const ProcessAccessRights QueryAndWait = ProcessAccessRights.QueryLimitedInformation | ProcessAccessRights.Synchronize;

    /// <summary>
    /// The start token of a running process, or null when there is none: no such PID (error 87),
    /// a process that has exited (its object lingers while anyone holds a handle), or one we may not open.
    /// </summary>
    public static string? GetStartToken(int pid)
    {
        using var process = TryOpen(pid, QueryAndWait);
        return process is null || HasExited(process) ? null : Token(CreationTime(process));
    }

    /// <summary>Alive: it opens and is not signalled. Access denied also means alive (as EPERM does on Unix).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0)
            return false;
        using var process = OpenProcess(QueryAndWait, false, pid);
        if (process.IsInvalid)
            return Marshal.GetLastPInvokeError() == Interop.Errors.ERROR_ACCESS_DENIED;
        return !HasExited(process);
    }

    /// <summary>
    /// Opens the process for waiting and terminating, then checks its creation time: the handle
    /// pins that process, so nothing done through it can reach a later process with the same PID.
    /// Null when the PID is gone or names a different (newer) process than <paramref name="expectedToken"/>.
    /// </summary>
    public static SafeObjectHandle? Pin(int pid, string expectedToken)
    {
        var process = TryOpen(pid, QueryAndWait | ProcessAccessRights.Terminate);
        if (process is null)
            return null;
        if (HasExited(process) || Token(CreationTime(process)) != expectedToken)
        {
            process.Dispose();
            return null;
        }
        return process;
    }

    public static SafeObjectHandle? TryOpen(int pid, ProcessAccessRights rights)
    {
        if (pid <= 0)
            return null;
        var process = OpenProcess(rights, false, pid);
        if (!process.IsInvalid)
            return process;
        process.Dispose();
        return null;
    }

    public static long CreationTime(SafeObjectHandle process)
    {
        if (!GetProcessTimes(process, out long creation, out _, out _, out _))
            throw WindowsIOException.Last("GetProcessTimes", null);
        return creation;
    }

    /// <summary>Signalled means exited; GetExitCodeProcess alone cannot tell, as 259 is a valid exit code.</summary>
    public static bool HasExited(SafeObjectHandle process) => WaitForSingleObject(process, 0) == WAIT_OBJECT_0;

    public static bool WaitForExit(SafeObjectHandle process, int timeoutMs) =>
        WaitForSingleObject(process, timeoutMs < 0 ? INFINITE : (uint)timeoutMs) == WAIT_OBJECT_0;

    public static uint? ExitCode(SafeObjectHandle process) =>
        HasExited(process) && GetExitCodeProcess(process, out uint code) ? code : null;

    /// <summary>TerminateProcess; asynchronous: wait on the handle to see the process gone.</summary>
    public static bool Terminate(SafeObjectHandle process, uint exitCode) => TerminateProcess(process, exitCode);

    public static string Token(long creationTime) => creationTime.ToString(CultureInfo.InvariantCulture);
}
