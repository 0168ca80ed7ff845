using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// The pid and state files on Windows: written to a temp file in the same directory, flushed, then
/// renamed over the target, so a reader sees the old or the new file and never a torn one.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsAtomicFile
{
    /// <summary>How long a replace retries while a reader briefly holds the target open.</summary>
    public const int ReaderWaitMs = 200;

    /// <summary>
    /// The protocol's write: <see cref="Write"/>, after removing a leftover temp file of a writer that
    /// died (only the lock holder writes, so an existing temp file can only be that; it is removed when
    /// it is a regular file of this user). Returns the identity of the file now at <paramref name="target"/>.
    /// </summary>
    public static FileStatus WriteReplacing(WindowsPlatform p, string target, string temp, ReadOnlySpan<byte> data, bool sync)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Write(temp, target, data, sync);
                return p.LStat(target) ?? throw new PidGuardException($"'{target}' vanished right after it was written.", target);
            }
            catch (WindowsIOException e) when (e.NativeErrorCode == ERROR_FILE_EXISTS && attempt == 0)
            {
                if (p.LStat(temp) is not { IsRegularFile: true } st || st.OwnerUid != p.EffectiveUserId)
                    throw new PidGuardException($"Temporary file '{temp}' exists and is not a regular file of the current user; PidGuard will not remove it.", temp);
                p.Unlink(temp);
            }
        }
    }

    /// <summary>
    /// Creates <paramref name="tempPath"/> (it must not exist: a leftover is the caller's to
    /// remove), writes and flushes <paramref name="contents"/>, and replaces <paramref name="targetPath"/>.
    /// </summary>
    public static unsafe void Write(string tempPath, string targetPath, ReadOnlySpan<byte> contents, bool flush = true)
    {
        var file = CreateFile(tempPath, FileAccessRights.GenericWrite | FileAccessRights.Delete | FileAccessRights.Synchronize,
            FileShareMode.Read | FileShareMode.Delete, null, CreationDisposition.CreateNew,
            FileFlagsAndAttributes.AttributeNormal | FileFlagsAndAttributes.FlagOpenReparsePoint, 0);
        if (file.IsInvalid)
        {
            // ERROR_FILE_EXISTS (80): a crashed writer's leftover, which is the caller's to remove.
            var error = WindowsIOException.Last("CreateFileW", tempPath);
            file.Dispose();
            throw error;
        }
        try
        {
            using (file)
            {
                fixed (byte* data = contents)
                {
                    if (!WriteFile(file, data, contents.Length, out int written, null) || written != contents.Length)
                        throw WindowsIOException.Last("WriteFile", tempPath);
                }
                if (flush && !FlushFileBuffers(file))
                    throw WindowsIOException.Last("FlushFileBuffers", tempPath);
                if (TryRenameByHandle(file, targetPath, out int error))
                    return;
                if (!IsUnsupported(error))
                    throw new WindowsIOException(error, "SetFileInformationByHandle(FileRenameInfoEx)", targetPath);
            }
            Replace(tempPath, targetPath);
        }
        catch
        {
            // No half-written file remains: the temp file is ours, it was created above.
            DeleteFile(tempPath);
            throw;
        }
    }

    private const int ERROR_FILE_EXISTS = 80;
    private const int ERROR_UNABLE_TO_REMOVE_REPLACED = 1175;
    private const int ERROR_UNABLE_TO_MOVE_REPLACEMENT = 1176;
    private const uint REPLACEFILE_IGNORE_MERGE_ERRORS = 0x2;
    private const uint REPLACEFILE_IGNORE_ACL_ERRORS = 0x4;

    /// <summary>
    /// Where the POSIX rename is missing (older Windows, FAT and SMB, Wine 8): ReplaceFileW, which
    /// replaces a file that readers hold open with FILE_SHARE_DELETE (they keep reading the old one;
    /// seen under Wine); MoveFileExW(REPLACE_EXISTING | WRITE_THROUGH) when there is no target yet.
    /// Both fail while a reader without FILE_SHARE_DELETE has the target open, so they retry for
    /// <see cref="ReaderWaitMs"/>: readers hold the file for microseconds.
    /// </summary>
    public static void Replace(string tempPath, string targetPath)
    {
        int error = 0;
        string call = "ReplaceFileW";
        bool moved = Backoff.WaitUntil(() =>
        {
            call = "ReplaceFileW";
            if (ReplaceFile(targetPath, tempPath, null, REPLACEFILE_IGNORE_MERGE_ERRORS | REPLACEFILE_IGNORE_ACL_ERRORS, 0, 0))
                return true;
            error = Marshal.GetLastPInvokeError();
            if (error is Interop.Errors.ERROR_FILE_NOT_FOUND or Interop.Errors.ERROR_PATH_NOT_FOUND)
            {
                call = "MoveFileExW";
                if (MoveFileEx(tempPath, targetPath, MoveFileFlags.ReplaceExisting | MoveFileFlags.WriteThrough))
                    return true;
                error = Marshal.GetLastPInvokeError();
            }
            if (error is Interop.Errors.ERROR_ACCESS_DENIED or Interop.Errors.ERROR_SHARING_VIOLATION
                or ERROR_UNABLE_TO_REMOVE_REPLACED or ERROR_UNABLE_TO_MOVE_REPLACEMENT)
                return false;
            throw new WindowsIOException(error, call, targetPath);
        }, ReaderWaitMs);
        if (!moved)
            throw new WindowsIOException(error, $"{call} (a reader kept the file open)", targetPath);
    }

    /// <summary>
    /// FileRenameInfoEx with POSIX semantics (Windows 10 1709 and later, NTFS): replaces the target
    /// even while readers that opened it with FILE_SHARE_DELETE still read the old file.
    /// </summary>
    public static unsafe bool TryRenameByHandle(SafeFileHandle file, string targetPath, out int error)
    {
        int nameOffset = FileRenameInfoHeader.NameOffset;
        int nameBytes = targetPath.Length * sizeof(char);
        int size = nameOffset + nameBytes + sizeof(char);
        byte[] buffer = new byte[size];
        fixed (byte* info = buffer)
        {
            var header = (FileRenameInfoHeader*)info;
            header->Flags = FileRenameFlags.ReplaceIfExists | FileRenameFlags.PosixSemantics;
            header->RootDirectory = 0;
            header->FileNameLength = (uint)nameBytes;
            fixed (char* name = targetPath)
                Buffer.MemoryCopy(name, info + nameOffset, nameBytes, nameBytes);
            if (SetFileInformationByHandle(file, FileInfoByHandleClass.FileRenameInfoEx, info, size))
            {
                error = 0;
                return true;
            }
        }
        error = Marshal.GetLastPInvokeError();
        return false;
    }

    /// <summary>
    /// Reads a small file with every share mode, so that a concurrent replace is never refused
    /// because of this reader. Null when the file does not exist.
    /// </summary>
    public static unsafe byte[]? ReadAll(string path, int maxBytes)
    {
        using var file = CreateFile(path, FileAccessRights.GenericRead, FileShareMode.All, null,
            CreationDisposition.OpenExisting, FileFlagsAndAttributes.AttributeNormal | FileFlagsAndAttributes.FlagOpenReparsePoint, 0);
        if (file.IsInvalid)
        {
            var error = WindowsIOException.Last("CreateFileW", path);
            if (error.NativeErrorCode is Interop.Errors.ERROR_FILE_NOT_FOUND or Interop.Errors.ERROR_PATH_NOT_FOUND)
                return null;
            throw error;
        }
        byte[] buffer = new byte[maxBytes + 1];
        int total = WindowsSmallFile.ReadUpTo(file, buffer, path);
        if (total > maxBytes)
            throw new PidGuardException($"'{path}' is larger than {maxBytes} bytes.", path);
        return buffer[..total];
    }

    // Older Windows, FAT/exFAT and SMB shares, and Wine 8 (which returns ERROR_INVALID_PARAMETER for the class).
    private static bool IsUnsupported(int error) => error is Interop.Errors.ERROR_INVALID_PARAMETER
        or Interop.Errors.ERROR_NOT_SUPPORTED or Interop.Errors.ERROR_CALL_NOT_IMPLEMENTED or 1 /* ERROR_INVALID_FUNCTION */;
}
