using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// The Windows implementation of <see cref="IPlatform"/> (docs/WINDOWS.md): the lock is LockFileEx on
/// two byte ranges of <c>NAME.lock</c>, identity is (PID, creation time), the runtime directory has an
/// owner-only DACL, stop is a named event then TerminateJobObject, and the programs of a daemon run in
/// a kill-on-close job because a lock cannot be passed to a child. The Win32 work is in the small
/// Windows* helpers; this class only wires them to the protocol.
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed partial class WindowsPlatform : IPlatform, IRangeHandoff
{
    /// <summary>
    /// Windows has SIDs, not uids. The protocol only compares a file's owner with
    /// <see cref="EffectiveUserId"/>, so a file of this user carries this value in
    /// <see cref="FileStatus.OwnerUid"/> and any other owner <see cref="OtherUserUid"/>. Not 0: code
    /// that lets uid 0 (root) pass an owner check must never let a Windows user pass it.
    /// </summary>
    internal const uint CurrentUserUid = uint.MaxValue - 1;

    internal const uint OtherUserUid = uint.MaxValue;

    private readonly WindowsUser _user = WindowsUser.Current;

    public uint EffectiveUserId => CurrentUserUid;

    public int CurrentProcessId { get; } = Environment.ProcessId;

    /// <summary>Creation times are absolute FILETIMEs, so (PID, creation time) needs no boot id.</summary>
    public string? BootId => null;

    /// <summary>The Linux names and numbers, so that schedules parse alike; <see cref="SignalRefusal"/> says which have a meaning here.</summary>
    public SignalTable Signals { get; } = SignalTable.Linux();

    /// <summary>True for a service running as LocalSystem: its directory is %ProgramData%\pidguard and its kernel objects are Global\.</summary>
    internal bool IsLocalSystem => string.Equals(_user.UserSid, WindowsSids.LocalSystem, StringComparison.OrdinalIgnoreCase);

    public string DefaultRuntimeDirectory(Func<string, string?> environment) => WindowsRuntimeDirectory.Default(_user);

    public bool CreateRuntimeDirectory(string path) => WindowsRuntimeDirectory.Create(path, _user);

    /// <summary>The owner-only DACL is set at creation; an existing directory's DACL is checked, never changed.</summary>
    public FileStatus? RestoreOwnerAccess(string path, FileStatus? status) => status;

    /// <summary>Windows has no root: reading and writing commands check alike.</summary>
    public string? RuntimeDirectoryProblem(string path, FileStatus status, bool rootReads) =>
        WindowsRuntimeDirectory.Problem(path, _user) is { } problem ? $"Runtime directory '{path}' {problem}." : null;

    public string? NetworkFileSystemName(string path)
    {
        string full = Path.GetFullPath(path);
        if (full.StartsWith(@"\\", StringComparison.Ordinal) && !full.StartsWith(@"\\?\", StringComparison.Ordinal))
            return "SMB";
        string? root = Path.GetPathRoot(full);
        return root is not null && GetDriveType(root.EndsWith('\\') ? root : root + "\\") == Interop.Kernel32.DriveType.Remote ? "a network drive" : null;
    }

    /// <summary>Nothing cleans %LOCALAPPDATA% by age: no pin is needed.</summary>
    public SafeHandle? PinDirectory(string directory) => null;

    public FileStatus? LStat(string path) => WindowsFileStatus.OfPath(path, _user);

    public bool Unlink(string path)
    {
        if (DeleteFile(path))
            return true;
        var error = WindowsIOException.Last("DeleteFileW", path);
        return error.NativeErrorCode is Interop.Errors.ERROR_FILE_NOT_FOUND or Interop.Errors.ERROR_PATH_NOT_FOUND ? false : throw error;
    }

    public SmallFile ReadSmallFile(string path, int maxBytes) => WindowsSmallFile.Read(path, maxBytes);

    public FileStatus WriteAtomically(string target, string temp, ReadOnlySpan<byte> data, bool sync) =>
        WindowsAtomicFile.WriteReplacing(this, target, temp, data, sync);

    public SafeHandle? OpenLockFile(string path, bool create, out FileStatus status)
    {
        SafeFileHandle? handle;
        try
        {
            handle = create ? WindowsLockFile.Open(path) : WindowsLockFile.OpenExistingForProbe(path);
        }
        catch (WindowsIOException e)
        {
            throw new PidGuardException($"Lock file '{path}' cannot be opened: {e.Message}", path, e);
        }
        if (handle is null)
        {
            status = default;
            return null;
        }
        try
        {
            status = WindowsFileStatus.OfHandle(handle, path, _user);
            if (status.OwnerUid != CurrentUserUid)
                throw new PidGuardException($"Lock file '{path}' belongs to another user ({WindowsFileStatus.OwnerOf(handle, path)}), not to this user ({_user.UserSid}).", path);
            if (status.Links > 1)
                throw new PidGuardException($"Lock file '{path}' has {status.Links} hard links: it is also another file, which PidGuard will not lock.", path);
            return handle;
        }
        catch (WindowsIOException e)
        {
            handle.Dispose();
            throw new PidGuardException($"Lock file '{path}' cannot be used: {e.Message}", path, e);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public bool TryLockExclusive(SafeHandle lockFile, string path) => WindowsLockFile.TryAcquire(File(lockFile), path);

    public bool IsLockHeld(SafeHandle lockFile, string path) => WindowsLockFile.IsHeld(File(lockFile), path);

    /// <summary>A lock on Windows is never shared with a child: unlocking is always safe.</summary>
    public void UnlockUnshared(SafeHandle lockFile, string path) => WindowsLockFile.UnlockAll(File(lockFile), path);

    public IHolderObjects OpenHolderObjects(DaemonPaths paths) => new WindowsHolderObjects(paths, global: IsLocalSystem);

    private static SafeFileHandle File(SafeHandle handle) =>
        handle as SafeFileHandle ?? throw new ArgumentException($"A Windows lock handle is a SafeFileHandle, not a {handle.GetType().Name}.", nameof(handle));

    /// <summary>Only TERM (the stop event) and KILL (terminate) have a meaning here; 0 only probes.</summary>
    public string? SignalRefusal(int signal) =>
        WindowsSignalMap.ActionFor(signal, Signals.NameOf(signal), out string? refusal) is null ? refusal : null;

    /// <summary>A console handle (System.Console is not touched: the library never initialises it).</summary>
    public bool IsTerminal(int fd) => fd is >= 0 and <= 2
        && GetStdHandle(STD_INPUT_HANDLE - fd) is var handle and not (0 or -1)
        && GetConsoleMode(handle, out _);

    /// <summary>
    /// Windows has no foreground group; a program that shares this process's console gets its CTRL+C,
    /// which is what an interactive run wants, so a console counts as "this process's group is in front".
    /// </summary>
    public int? ForegroundProcessGroup(int fd) => IsTerminal(fd) ? OwnProcessGroup : null;

    /// <summary>Windows cannot tell a process which console process group it is in.</summary>
    public int OwnProcessGroup => 0;

    /// <summary>No umask on Windows: new files inherit the directory's DACL.</summary>
    public void SetUmask(int mask)
    {
    }
}
