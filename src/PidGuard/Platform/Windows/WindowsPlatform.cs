using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// DRAFT, not chosen by <see cref="Platforms"/>: the Windows implementation of today's
/// <see cref="IPlatform"/>, as far as that Unix-shaped interface allows. Every member that takes
/// or returns a <see cref="SafeFd"/> throws: a SafeFd is an int closed by libc <c>close</c>, and a
/// Windows HANDLE must be closed by CloseHandle. The Win32 logic lives in the small Windows*
/// helpers so that it can be re-wired when the interface gets an OS-neutral handle
/// (docs/WINDOWS.md, "What IPlatform needs").
/// </summary>
[SupportedOSPlatform("windows")]
internal sealed partial class WindowsPlatform : IPlatform
{
    private readonly WindowsUser _user = WindowsUser.Current;

    public UnixConstants Constants => throw Unsupported("open(2) flags");

    /// <summary>
    /// Windows has SIDs, not uids. The protocol only compares an owner with this value, so this
    /// is 0 and <see cref="FileStatus.OwnerUid"/> is 0 for a file this user owns, uint.MaxValue otherwise.
    /// </summary>
    public uint EffectiveUserId => 0;

    public int CurrentProcessId => Environment.ProcessId;

    /// <summary>Creation times are absolute FILETIMEs, so (PID, creation time) needs no boot id.</summary>
    public string? BootId => null;

    /// <summary>The portable (Linux) numbering the schedule grammar parses; <see cref="WindowsSignalMap"/> says what each means here.</summary>
    public SignalTable Signals { get; } = SignalTable.Linux();

    public SafeFd Open(string path, int flags, int mode) => throw Unsupported("SafeFd (use WindowsLockFile.Open)");
    public SafeFd? TryOpen(string path, int flags, int mode, out int errno) => throw Unsupported("SafeFd (use WindowsLockFile.Open)");
    public bool TryLock(SafeFd fd, int operation, string path) => throw Unsupported("flock on a SafeFd (use WindowsLockFile.TryAcquire)");
    public void UnlockUnshared(SafeFd fd, string path) => throw Unsupported("flock on a SafeFd (use WindowsLockFile.Unlock)");
    public FileStatus FStat(SafeFd fd, string path) => throw Unsupported("fstat on a SafeFd");
    public void SetInheritable(SafeFd fd, bool inheritable, string path) => throw Unsupported("inheritable SafeFd (WindowsProcessLauncher passes handles explicitly)");
    public int Read(SafeFd fd, Span<byte> buffer, string path) => throw Unsupported("read on a SafeFd (use WindowsAtomicFile.ReadAll)");
    public void WriteAll(SafeFd fd, ReadOnlySpan<byte> data, string path) => throw Unsupported("write on a SafeFd (use WindowsAtomicFile.Write)");
    public void FSync(SafeFd fd, string path) => throw Unsupported("fsync on a SafeFd");
    public void FChmod(SafeFd fd, int mode, string path) => throw Unsupported("modes (a DACL is set at creation)");
    public void Chmod(string path, int mode) => throw Unsupported("modes (a DACL is set at creation)");

    public FileStatus? LStat(string path) => StatCore(path, followReparsePoints: false);

    public FileStatus? Stat(string path) => StatCore(path, followReparsePoints: true);

    public void Rename(string from, string to) => WindowsAtomicFile.Replace(from, to);

    public bool Unlink(string path)
    {
        if (DeleteFile(path))
            return true;
        var error = WindowsIOException.Last("DeleteFileW", path);
        return error.NativeErrorCode is Interop.Errors.ERROR_FILE_NOT_FOUND or Interop.Errors.ERROR_PATH_NOT_FOUND ? false : throw error;
    }

    /// <summary>The mode is ignored: the directory gets the owner-only DACL of <see cref="WindowsRuntimeDirectory"/>.</summary>
    public bool MkDir(string path, int mode) => WindowsRuntimeDirectory.Create(path, _user);

    public string? NetworkFileSystemName(string path)
    {
        string full = Path.GetFullPath(path);
        if (full.StartsWith(@"\\", StringComparison.Ordinal) && !full.StartsWith(@"\\?\", StringComparison.Ordinal))
            return "SMB";
        string? root = Path.GetPathRoot(full);
        return root is not null && GetDriveType(root.EndsWith('\\') ? root : root + "\\") == Interop.Kernel32.DriveType.Remote ? "a network drive" : null;
    }

    /// <summary>A console handle (System.Console is not touched: the library never initialises it).</summary>
    public bool IsTerminal(int fd) => fd is >= 0 and <= 2
        && Interop.Kernel32.GetStdHandle(Interop.Kernel32.STD_INPUT_HANDLE - fd) is var handle and not (0 or -1)
        && Interop.Kernel32.GetConsoleMode(handle, out _);

    /// <summary>Console process groups have no foreground notion on Windows.</summary>
    public int? ForegroundProcessGroup(int fd) => null;

    /// <summary>Windows cannot tell a process which console process group it is in.</summary>
    public int OwnProcessGroup => 0;

    /// <summary>No umask on Windows: new files inherit the directory's DACL.</summary>
    public void SetUmask(int mask)
    {
    }

    private unsafe FileStatus? StatCore(string path, bool followReparsePoints)
    {
        var flags = FileFlagsAndAttributes.FlagBackupSemantics | (followReparsePoints ? 0 : FileFlagsAndAttributes.FlagOpenReparsePoint);
        using var handle = CreateFile(path, FileAccessRights.FileReadAttributes | FileAccessRights.ReadControl, FileShareMode.All, null,
            CreationDisposition.OpenExisting, flags, 0);
        if (handle.IsInvalid)
        {
            var error = WindowsIOException.Last("CreateFileW", path);
            return error.NativeErrorCode is Interop.Errors.ERROR_FILE_NOT_FOUND or Interop.Errors.ERROR_PATH_NOT_FOUND ? null : throw error;
        }
        if (!GetFileInformationByHandle(handle, out var info))
            throw WindowsIOException.Last("GetFileInformationByHandle", path);
        var attributes = WindowsFileAttributes.OfHandle(handle, path);
        // Wine follows a Unix symbolic link even with FILE_FLAG_OPEN_REPARSE_POINT, but reports it by path.
        if (!followReparsePoints && (WindowsFileAttributes.OfPath(path) ?? 0) is var byPath && (byPath & FileAttributeFlags.ReparsePoint) != 0)
            attributes |= FileAttributeFlags.ReparsePoint;
        var security = WindowsSecurityDescriptor.ReadFile(handle, path);
        bool othersMayWrite = security.Dacl is null || WindowsDacl.FirstForeignWriter(security.Dacl, sid =>
            _user.IsSelf(sid) || sid is WindowsSids.LocalSystem or WindowsSids.Administrators) is not null;
        int type = (attributes & FileAttributeFlags.ReparsePoint) != 0 ? UnixConstants.SIfLnk
            : (attributes & FileAttributeFlags.Directory) != 0 ? UnixConstants.SIfDir
            : UnixConstants.SIfReg;
        int permissions = type == UnixConstants.SIfDir ? (othersMayWrite ? 0x1FF : 0x1C0) : (othersMayWrite ? 0x1B6 : 0x180);
        uint owner = security.OwnerSid is not null && _user.IsSelf(security.OwnerSid) ? 0 : uint.MaxValue;
        return new FileStatus(info.VolumeSerialNumber, info.FileIndex, type | permissions, owner, info.FileSize);
    }

    private static PlatformNotSupportedException Unsupported(string what) =>
        new($"The Windows platform layer has no {what}: IPlatform must first grow an OS-neutral handle (docs/WINDOWS.md).");
}
