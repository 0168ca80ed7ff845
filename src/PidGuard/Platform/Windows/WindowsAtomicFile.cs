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

    /// <summary>
    /// MoveFileExW(REPLACE_EXISTING | WRITE_THROUGH). Without POSIX semantics this fails with
    /// access denied (or a sharing violation) while any handle has the target open, so it retries
    /// for <see cref="ReaderWaitMs"/>: readers hold the file for microseconds.
    /// </summary>
    public static void Replace(string tempPath, string targetPath)
    {
        int error = 0;
        bool moved = Backoff.WaitUntil(() =>
        {
            if (MoveFileEx(tempPath, targetPath, MoveFileFlags.ReplaceExisting | MoveFileFlags.WriteThrough))
                return true;
            error = Marshal.GetLastPInvokeError();
            if (error is Interop.Errors.ERROR_ACCESS_DENIED or Interop.Errors.ERROR_SHARING_VIOLATION)
                return false;
            throw new WindowsIOException(error, "MoveFileExW", targetPath);
        }, ReaderWaitMs);
        if (!moved)
            throw new WindowsIOException(error, "MoveFileExW (a reader kept the file open)", targetPath);
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
        int total = 0;
        fixed (byte* data = buffer)
        {
            while (total < buffer.Length)
            {
                if (!ReadFile(file, data + total, buffer.Length - total, out int read, null))
                    throw WindowsIOException.Last("ReadFile", path);
                if (read == 0)
                    break;
                total += read;
            }
        }
        if (total > maxBytes)
            throw new IOException($"'{path}' is larger than {maxBytes} bytes.");
        return buffer[..total];
    }

    // Older Windows, FAT/exFAT and SMB shares, and Wine 8 (which returns ERROR_INVALID_PARAMETER for the class).
    private static bool IsUnsupported(int error) => error is Interop.Errors.ERROR_INVALID_PARAMETER
        or Interop.Errors.ERROR_NOT_SUPPORTED or Interop.Errors.ERROR_CALL_NOT_IMPLEMENTED or 1 /* ERROR_INVALID_FUNCTION */;
}
