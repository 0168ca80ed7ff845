namespace PidGuard.Platform;

/// <summary>
/// A process pinned for signalling. On Linux this owns a pidfd: once the identity was checked
/// after the pidfd was opened, signals through it can never reach a process that reused the PID.
/// </summary>
internal sealed class ProcessHandle(int pid, SafeFd? pidFd) : IDisposable
{
    public int Pid { get; } = pid;
    public SafeFd? PidFd { get; } = pidFd;
    public void Dispose() => PidFd?.Dispose();
}
