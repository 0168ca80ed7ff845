namespace PidGuard.Platform;

/// <summary>
/// Every operating-system call the protocol makes. The protocol code above this layer never
/// calls libc directly, so the one Unix implementation (Linux + macOS) is the only place that
/// knows errno values, struct layouts and flag bits.
/// </summary>
internal interface IPlatform
{
    UnixConstants Constants { get; }
    uint EffectiveUserId { get; }
    int CurrentProcessId { get; }

    /// <summary>open(2); throws <see cref="UnixIOException"/> on failure.</summary>
    SafeFd Open(string path, int flags, int mode);

    /// <summary>open(2) returning the errno instead of throwing.</summary>
    SafeFd? TryOpen(string path, int flags, int mode, out int errno);

    /// <summary>flock(op | LOCK_NB); false when another open file description holds a conflicting lock.</summary>
    bool TryLock(SafeFd fd, int operation, string path);

    /// <summary>
    /// flock(LOCK_UN). Only for a descriptor no other process may share: on a shared open file
    /// description it would drop the lock of every process holding it.
    /// </summary>
    void UnlockUnshared(SafeFd fd, string path);

    /// <summary>lstat(2); null when the path does not exist.</summary>
    FileStatus? LStat(string path);

    /// <summary>stat(2), following symbolic links; null when the path does not exist.</summary>
    FileStatus? Stat(string path);

    FileStatus FStat(SafeFd fd, string path);

    void SetInheritable(SafeFd fd, bool inheritable, string path);

    /// <summary>Reads until <paramref name="buffer"/> is full or end of file; returns the bytes read.</summary>
    int Read(SafeFd fd, Span<byte> buffer, string path);

    void WriteAll(SafeFd fd, ReadOnlySpan<byte> data, string path);

    void FSync(SafeFd fd, string path);

    void FChmod(SafeFd fd, int mode, string path);

    void Chmod(string path, int mode);

    void Rename(string from, string to);

    /// <summary>unlink(2); false when the path did not exist.</summary>
    bool Unlink(string path);

    /// <summary>mkdir(2); false when the path already existed.</summary>
    bool MkDir(string path, int mode);

    SignalResult Kill(int pid, int signal);

    /// <summary>The process group of <paramref name="pid"/>, or null when it does not exist.</summary>
    int? GetProcessGroup(int pid);

    /// <summary>kill(-pgid, signal): signals a whole process group; refuses groups &lt;= 1.</summary>
    SignalResult KillGroup(int processGroup, int signal);

    /// <summary>Pins a process for signalling (pidfd on Linux); null when it does not exist.</summary>
    ProcessHandle? OpenProcess(int pid);

    SignalResult SendSignal(ProcessHandle process, int signal);

    /// <summary>Waits up to <paramref name="timeoutMs"/> for the process to exit; true once it has.</summary>
    bool WaitForExit(ProcessHandle process, int timeoutMs);

    /// <summary>The kernel's start time of a process as an opaque token, or null when it is gone.</summary>
    string? GetStartToken(int pid);

    /// <summary>This boot's identifier (Linux boot_id), or null where the platform has none.</summary>
    string? BootId { get; }

    /// <summary>The name of the network file system holding <paramref name="path"/>, or null for a local one.</summary>
    string? NetworkFileSystemName(string path);

    SignalTable Signals { get; }

    /// <summary>
    /// Starts a program with exactly the descriptors the request names (posix_spawn). Throws
    /// <see cref="ProgramNotFoundException"/> when the program is not found.
    /// </summary>
    int Spawn(SpawnRequest request);

    /// <summary>
    /// Blocks until child <paramref name="pid"/> has exited. Without <paramref name="reap"/> the
    /// child stays a zombie, so its PID (and its process group id) cannot be reused until
    /// <see cref="ReapChild"/>. Null when it is not a child of this process.
    /// </summary>
    ChildExitStatus? WaitForChild(int pid, bool reap);

    void ReapChild(int pid);

    /// <summary>The processes that hold the exclusive flock of the lock file (Linux /proc); empty where unknown.</summary>
    IReadOnlyList<int> FindLockHolders(FileStatus lockFile);

    /// <summary>True when <paramref name="pid"/> holds the exclusive flock of the lock file (Linux /proc).</summary>
    bool HoldsLock(int pid, FileStatus lockFile);

    /// <summary>The live members of a process group (Linux /proc); empty where unknown.</summary>
    IReadOnlyList<int> ProcessGroupMembers(int processGroup);

    /// <summary>The live members of a session (Linux /proc); empty where unknown.</summary>
    IReadOnlyList<int> SessionMembers(int session);

    /// <summary>Parent, group, session, state and start token of a process (Linux /proc); null when gone or unknown.</summary>
    ProcessStatus? GetProcessStatus(int pid);

    /// <summary>True where the processes holding a lock can be listed (<see cref="FindLockHolders"/>): Linux.</summary>
    bool CanSeeLockHolders { get; }

    bool IsTerminal(int fd);

    /// <summary>The foreground process group of the terminal <paramref name="fd"/>, or null.</summary>
    int? ForegroundProcessGroup(int fd);

    int OwnProcessGroup { get; }

    /// <summary>umask(2): the file mode creation mask of this process and of the programs it starts.</summary>
    void SetUmask(int mask);
}
