using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// A process pinned for signalling: a pidfd on Linux, a process handle on Windows. Once the identity
/// was checked after the handle was opened, everything done through it reaches that process: its PID
/// cannot be given to another process while the handle is open (Windows), and a pidfd names one process (Linux).
/// </summary>
internal sealed class ProcessHandle(int pid, SafeHandle? pinned) : IDisposable
{
    public int Pid { get; } = pid;

    /// <summary>The handle, or null where the platform cannot pin (signals then go by PID).</summary>
    public SafeHandle? Pinned { get; } = pinned;

    /// <summary>The Linux pidfd, when there is one.</summary>
    public SafeFd? PidFd => Pinned as SafeFd;

    public void Dispose() => Pinned?.Dispose();
}
