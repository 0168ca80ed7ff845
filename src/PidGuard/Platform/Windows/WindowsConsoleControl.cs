using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// CTRL+BREAK to a console program: the closest thing to SIGTERM a program that knows nothing of
/// PidGuard understands (.NET raises it as PosixSignal.SIGQUIT and Console.CancelKeyPress; the
/// generic host stops on it). It reaches only a process group on the caller's own console, so the
/// supervisor, which shares the program's console, is the one to send it.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsConsoleControl
{
    /// <summary>
    /// Sends CTRL+BREAK to the process group led by <paramref name="groupLeaderPid"/> (a process
    /// started with CREATE_NEW_PROCESS_GROUP). Returns the Win32 error, 0 on success.
    /// </summary>
    public static int SendCtrlBreak(int groupLeaderPid)
    {
        if (groupLeaderPid <= 0)
            throw new ArgumentOutOfRangeException(nameof(groupLeaderPid), groupLeaderPid, "0 would signal every process on the console.");
        return GenerateConsoleCtrlEvent(ConsoleCtrlEvent.CtrlBreak, groupLeaderPid) ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The processes attached to this process's console (empty when it has none).</summary>
    public static unsafe int[] ConsoleProcesses()
    {
        int* ids = stackalloc int[64];
        int count = GetConsoleProcessList(ids, 64);
        return count <= 0 ? [] : new ReadOnlySpan<int>(ids, Math.Min(count, 64)).ToArray();
    }
}
