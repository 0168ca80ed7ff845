using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// Every operating-system call the protocol makes, one implementation per operating system
/// (<see cref="LinuxPlatform"/>, <see cref="MacPlatform"/>, <see cref="Windows.WindowsPlatform"/>),
/// chosen once by <see cref="Platforms"/>. The protocol code above this layer never calls libc or
/// Win32 itself: only the implementations know errno values, flag bits, struct layouts and handles.
/// Lock files and pinned processes are <see cref="SafeHandle"/>s whose kind only their platform knows.
/// </summary>
internal interface IPlatform
{
    /// <summary>The effective uid (Unix); on Windows a fixed value that <see cref="FileStatus.OwnerUid"/> of this user's files carries.</summary>
    uint EffectiveUserId { get; }

    int CurrentProcessId { get; }

    /// <summary>This boot's identifier (Linux boot_id), or null where the platform has none.</summary>
    string? BootId { get; }

    SignalTable Signals { get; }

    // The runtime directory.

    /// <summary>The directory used when neither an explicit one nor PIDGUARD_RUNTIME_DIR is given. Touches nothing.</summary>
    string DefaultRuntimeDirectory(Func<string, string?> environment);

    /// <summary>Creates the runtime directory (not its parents) closed to everyone but this user; false when the path already existed.</summary>
    bool CreateRuntimeDirectory(string path);

    /// <summary>
    /// Gives the owner (this user) back full access to a runtime directory of theirs that lacks it (a
    /// umask such as 0477 at creation, a chmod by hand); returns its status afterwards. Nothing else changes.
    /// </summary>
    FileStatus? RestoreOwnerAccess(string path, FileStatus? status);

    /// <summary>
    /// What makes the existing <paramref name="path"/> unsafe as a runtime directory (named in the message), or null.
    /// With <paramref name="rootReads"/> (a command that only reads) root may use another user's directory (Unix).
    /// </summary>
    string? RuntimeDirectoryProblem(string path, FileStatus status, bool rootReads);

    /// <summary>The name of the network file system holding <paramref name="path"/>, or null for a local one.</summary>
    string? NetworkFileSystemName(string path);

    /// <summary>
    /// Pins the runtime directory against age-based clean-up for as long as the handle is open
    /// (a shared flock, which systemd-tmpfiles respects); null where there is nothing to do or it failed.
    /// </summary>
    SafeHandle? PinDirectory(string directory);

    // Files.

    /// <summary>The path itself, not what a symbolic link or reparse point names; null when it does not exist.</summary>
    FileStatus? LStat(string path);

    /// <summary>Removes a file; false when it did not exist.</summary>
    bool Unlink(string path);

    /// <summary>
    /// Reads a small file (a pid or state file) without following a symbolic link or blocking on a
    /// FIFO, and without ever making a concurrent atomic replace fail.
    /// </summary>
    SmallFile ReadSmallFile(string path, int maxBytes);

    /// <summary>
    /// Replaces <paramref name="target"/> atomically through the temp file <paramref name="temp"/>
    /// (a leftover of a writer that died is removed when it is this user's regular file); readers see
    /// the old or the new content. Returns the identity of the file written.
    /// </summary>
    FileStatus WriteAtomically(string target, string temp, ReadOnlySpan<byte> data, bool sync);

    // The lock.

    /// <summary>
    /// Opens <c>NAME.lock</c> (creating it when <paramref name="create"/>) and checks it is a regular
    /// file of this user with one link, never a symbolic link; null when it is missing and not created.
    /// Throws <see cref="PidGuardException"/> naming the file and the problem.
    /// </summary>
    SafeHandle? OpenLockFile(string path, bool create, out FileStatus status);

    /// <summary>Takes the name exclusively without waiting; false when another holder has it.</summary>
    bool TryLockExclusive(SafeHandle lockFile, string path);

    /// <summary>True when another holder has the name; probes without keeping anything.</summary>
    bool IsLockHeld(SafeHandle lockFile, string path);

    /// <summary>
    /// Lets go of the name. Only for a handle no other process shares: on Unix, LOCK_UN on a shared
    /// open file description would drop the lock of every process holding it.
    /// </summary>
    void UnlockUnshared(SafeHandle lockFile, string path);

    /// <summary>
    /// Takes over the lock a parent is handing to this process (<see cref="InstanceLock.HandOffAsync"/>):
    /// checks that what was passed is the lock of <paramref name="paths"/> and that this process now holds it.
    /// </summary>
    SafeHandle AdoptLock(DaemonPaths paths, out FileStatus lockFile);

    /// <summary>
    /// What a process that holds a name keeps besides the lock: nothing on Unix; on Windows the
    /// daemon's stop event and the job its programs run in.
    /// </summary>
    IHolderObjects OpenHolderObjects(DaemonPaths paths);

    // Processes.

    /// <summary>
    /// The absolute path of <paramref name="program"/>, found as a shell would (a name is looked up in
    /// <paramref name="pathVariable"/>); null when there is no such executable file.
    /// </summary>
    string? FindProgram(string program, string? pathVariable, string baseDirectory);

    /// <summary>Sends a signal by PID (0 probes); refuses the PIDs no signal may reach.</summary>
    SignalResult Kill(int pid, int signal);

    /// <summary>The process group of <paramref name="pid"/>, or null when it does not exist or the platform has none.</summary>
    int? GetProcessGroup(int pid);

    /// <summary>Signals a whole process group; refuses groups &lt;= 1.</summary>
    SignalResult KillGroup(int processGroup, int signal);

    /// <summary>Pins a process for signalling (a pidfd on Linux, a process handle on Windows); null when it does not exist.</summary>
    ProcessHandle? OpenProcess(int pid);

    SignalResult SendSignal(ProcessHandle process, int signal);

    /// <summary>
    /// Sends <paramref name="signal"/> to a daemon's pinned and proven main process, as
    /// <c>pidguard signal</c> does: its whole group with <see cref="StopTarget.ProcessGroup"/> where
    /// the platform has groups; on Windows what the signal means there (TERM: the daemon's stop event).
    /// </summary>
    SignalResult SignalMainProcess(DaemonStatus status, ProcessHandle main, int signal, StopTarget target);

    /// <summary>Why <paramref name="signal"/> cannot be sent on this platform, or null when it can.</summary>
    string? SignalRefusal(int signal);

    /// <summary>Waits up to <paramref name="timeoutMs"/> for the process to exit; true once it has.</summary>
    bool WaitForExit(ProcessHandle process, int timeoutMs);

    /// <summary>The kernel's start time of a process as an opaque token, or null when it is gone.</summary>
    string? GetStartToken(int pid);

    /// <summary>Pins what of a daemon may be signalled for a stop (see <see cref="DaemonTarget"/>).</summary>
    IDaemonTarget PinDaemon(DaemonStatus status);

    /// <summary>
    /// Starts a program with exactly the handles the request names. Throws
    /// <see cref="ProgramNotFoundException"/> when the program is not found.
    /// </summary>
    int Spawn(SpawnRequest request);

    /// <summary>
    /// Blocks until child <paramref name="pid"/> has exited. Without <paramref name="reap"/> the
    /// child stays a zombie (on Windows: its handle stays open), so its PID (and its process group id)
    /// cannot be reused until <see cref="ReapChild"/>. Null when it is not a child of this process.
    /// </summary>
    ChildExitStatus? WaitForChild(int pid, bool reap);

    void ReapChild(int pid);

    /// <summary>The processes that hold the exclusive flock of the lock file (Linux /proc); empty where unknown.</summary>
    IReadOnlyList<int> FindLockHolders(FileStatus lockFile);

    /// <summary>True when <paramref name="pid"/> holds the exclusive flock of the lock file (Linux /proc).</summary>
    bool HoldsLock(int pid, FileStatus lockFile);

    /// <summary>The live members of a process group (Linux /proc; on Windows the job of a program this process started); empty where unknown.</summary>
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

    /// <summary>umask(2): the file mode creation mask of this process and of the programs it starts (nothing on Windows).</summary>
    void SetUmask(int mask);
}
