using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// <c>NAME.lock</c> on Windows: opened with every share mode so that no reader, writer or
/// deleter is ever refused, never deleted, and locked with <c>LockFileEx</c> exclusive and
/// fail-immediately. The name is held by two one-byte ranges taken in order (see
/// <see cref="LockRange"/>); they lie past any data, so the mandatory byte-range locks of Windows
/// never block a read of the file.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsLockFile
{
    /// <summary>
    /// Opens (creating if needed) the lock file. A reparse point planted at the path is opened
    /// itself, not followed, and refused; so is a directory.
    /// </summary>
    public static unsafe SafeFileHandle Open(string path, bool forWriting = true)
    {
        var access = forWriting ? FileAccessRights.GenericRead | FileAccessRights.GenericWrite : FileAccessRights.GenericRead;
        var disposition = forWriting ? CreationDisposition.OpenAlways : CreationDisposition.OpenExisting;
        var handle = CreateFile(path, access, FileShareMode.All, null, disposition,
            FileFlagsAndAttributes.AttributeNormal | FileFlagsAndAttributes.FlagOpenReparsePoint, 0);
        if (handle.IsInvalid)
        {
            var error = WindowsIOException.Last("CreateFileW", path);
            handle.Dispose();
            throw error;
        }
        try
        {
            // By handle (what Windows answers without a race), and by path: Wine follows a Unix
            // symbolic link even with FILE_FLAG_OPEN_REPARSE_POINT but reports it by path.
            var attributes = WindowsFileAttributes.OfHandle(handle, path) | (WindowsFileAttributes.OfPath(path) ?? 0);
            if ((attributes & (FileAttributeFlags.ReparsePoint | FileAttributeFlags.Directory)) != 0)
                throw new IOException($"The lock file '{path}' is {WindowsFileAttributes.Describe(attributes)}, not a regular file.");
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary><see cref="Open"/> for a probe: null when the lock file does not exist.</summary>
    public static SafeFileHandle? OpenExistingForProbe(string path)
    {
        try
        {
            return Open(path, forWriting: false);
        }
        catch (WindowsIOException e) when (e.NativeErrorCode is Interop.Errors.ERROR_FILE_NOT_FOUND or Interop.Errors.ERROR_PATH_NOT_FOUND)
        {
            return null;
        }
    }

    /// <summary>
    /// Locks one byte of <paramref name="range"/> without waiting. False when another lock
    /// overlaps (ERROR_LOCK_VIOLATION, 33); any other error throws, naming the file.
    /// </summary>
    public static unsafe bool TryLock(SafeFileHandle file, LockRange range, bool exclusive, string path)
    {
        var overlapped = At(range);
        var flags = LockFileFlags.FailImmediately | (exclusive ? LockFileFlags.ExclusiveLock : LockFileFlags.Shared);
        if (LockFileEx(file, flags, 0, 1, 0, &overlapped))
            return true;
        int error = Marshal.GetLastPInvokeError();
        if (error == Interop.Errors.ERROR_LOCK_VIOLATION)
            return false;
        throw new WindowsIOException(error, "LockFileEx", path);
    }

    /// <summary>Unlocks a range this process locked through <paramref name="file"/>.</summary>
    public static unsafe void Unlock(SafeFileHandle file, LockRange range, string path)
    {
        var overlapped = At(range);
        if (!UnlockFileEx(file, 0, 1, 0, &overlapped))
            throw WindowsIOException.Last("UnlockFileEx", path);
    }

    /// <summary>
    /// Takes the name: the <see cref="LockRange.Name"/> range, then the
    /// <see cref="LockRange.Handoff"/> range. False (holding nothing) when either is held elsewhere.
    /// </summary>
    public static bool TryAcquire(SafeFileHandle file, string path)
    {
        if (!TryLock(file, LockRange.Name, exclusive: true, path))
            return false;
        if (TryLock(file, LockRange.Handoff, exclusive: true, path))
            return true;
        Unlock(file, LockRange.Name, path);
        return false;
    }

    /// <summary>
    /// Whether any process holds the name: either range locked. Shared locks taken and
    /// dropped at once, so a concurrent acquirer that meets them retries (as on Unix).
    /// </summary>
    public static bool IsHeld(SafeFileHandle file, string path)
    {
        foreach (var range in (ReadOnlySpan<LockRange>)[LockRange.Name, LockRange.Handoff])
        {
            if (!TryLock(file, range, exclusive: false, path))
                return true;
            Unlock(file, range, path);
        }
        return false;
    }

    private static NativeOverlapped At(LockRange range) => new() { OffsetLow = (int)range, OffsetHigh = 0 };
}

/// <summary>
/// The two one-byte ranges of <c>NAME.lock</c>. A holder owns both. Windows gives a lock to the
/// process that took it (an inheriting child gets nothing, and the lock ends with its owner), so a
/// handoff cannot pass a lock on: the parent frees <see cref="Handoff"/>, the child takes it, the
/// parent exits (freeing <see cref="Name"/>), the child takes <see cref="Name"/>. At every moment
/// one of the two is held, and acquirers, who need both in this order, fail throughout.
/// </summary>
internal enum LockRange
{
    Name = 0,
    Handoff = 1,
}
