using System.Text;
using PidGuard.Platform;

namespace PidGuard.Cli;

/// <summary>Log file location, tail, and follow across rotations.</summary>
internal static class LogFiles
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(200);

    public static string DefaultPath(DaemonPaths paths) => Path.Join(paths.Directory, paths.Name + ".log");

    /// <summary>Writes the last <paramref name="lines"/> lines of an open log and leaves it positioned at its end.</summary>
    public static void WriteTail(FileStream file, int lines, Stream output)
    {
        long end = file.Length;
        long start = end;
        int found = 0;
        var buffer = new byte[8192];
        // Walk back from the end to the newline before the wanted lines (the last byte's newline ends the last line).
        while (start > 0 && found < lines)
        {
            int chunk = (int)Math.Min(buffer.Length, start);
            start -= chunk;
            file.Position = start;
            file.ReadExactly(buffer, 0, chunk);
            for (int i = chunk - 1; i >= 0; i--)
            {
                if (buffer[i] == (byte)'\n' && start + i != end - 1 && ++found == lines)
                {
                    start += i + 1;
                    break;
                }
            }
        }
        if (lines == 0)
            start = end;
        file.Position = start;
        CopyRange(file, end - start, output);
    }

    /// <summary>
    /// Prints what is written to the log from <paramref name="file"/>'s position on, like `tail -F`: when
    /// the path is rotated away (renamed, replaced) the rest of the old file is printed, then the new
    /// file from its start; a truncated file (copytruncate) is read again from its start.
    /// </summary>
    public static async Task FollowAsync(string path, FileStream file, Stream output, CancellationToken ct)
    {
        var p = ToolPlatform.Unix;
        var opened = Identity(p, file, path);
        try
        {
            while (true)
            {
                await Task.Delay(FollowInterval, ct).ConfigureAwait(false);
                long length = file.Length;
                if (length < file.Position)
                    file.Position = 0; // truncated
                CopyRange(file, length - file.Position, output);
                if (p.LStat(path) is not { } now || now.SameFileAs(opened))
                    continue; // unchanged, or moved away and not created again yet
                CopyRange(file, file.Length - file.Position, output); // the old file's last lines
                FileStream? next = OpenRotatedSince(p, path, opened, output);
                if (next is null)
                    continue; // replaced by something that is not a log: wait for a real one
                await file.DisposeAsync().ConfigureAwait(false);
                file = next;
                opened = Identity(p, file, path);
            }
        }
        finally
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Several rotations between two looks: the old file is now NAME.log.J, and NAME.log.(J-1) ... NAME.log.1
    /// were written after it. They are printed whole, oldest first, before the current file, which is
    /// returned open (null when the path is not a regular file). Every file is opened first and
    /// identified by its inode, and the whole look is taken again if the log rotated meanwhile, so a
    /// rotation during the look can neither skip a file nor print one twice.
    /// </summary>
    private static FileStream? OpenRotatedSince(UnixPlatform p, string path, FileStatus old, Stream output)
    {
        for (int attempt = 0; ; attempt++)
        {
            FileStream current;
            try
            {
                current = RegularFile.OpenRead(path);
            }
            catch (CliError)
            {
                return null;
            }
            var currentId = Identity(p, current, path);
            var rotated = new List<(FileStream File, FileStatus Id)>();
            try
            {
                // A rotation renames NAME.log.(N-1) → .N down to NAME.log → .1: while it runs, one index at a
                // time is missing, so the look ends only after two missing in a row.
                for (int k = 1, missing = 0; k <= LogRotation.MaxKeep && missing < 2; k++)
                {
                    FileStream f;
                    try
                    {
                        f = RegularFile.OpenRead(LogRotation.Rotated(path, k));
                        missing = 0;
                    }
                    catch (CliError)
                    {
                        missing++;
                        continue;
                    }
                    var id = Identity(p, f, path);
                    rotated.Add((f, id));
                    if (id.SameFileAs(old))
                        break;
                }
                bool stable = p.LStat(path) is { } now && now.SameFileAs(currentId);
                if (!stable && attempt < 20)
                {
                    current.Dispose();
                    continue; // rotated during the look: look again
                }
                int j = rotated.FindIndex(r => r.Id.SameFileAs(old));
                var printed = new List<FileStatus>();
                for (int k = j - 1; k >= 0; k--)
                {
                    var (f, id) = rotated[k];
                    if (id.SameFileAs(currentId) || printed.Any(done => done.SameFileAs(id)))
                        continue;
                    printed.Add(id);
                    CopyRange(f, f.Length, output);
                }
                return current;
            }
            finally
            {
                foreach (var (f, _) in rotated)
                    f.Dispose();
            }
        }
    }

    private static FileStatus Identity(UnixPlatform p, FileStream file, string path)
    {
        using var fd = new SafeFd((int)file.SafeFileHandle.DangerousGetHandle(), ownsHandle: false);
        return p.FStat(fd, path);
    }

    private static void CopyRange(Stream from, long count, Stream to)
    {
        var buffer = new byte[16384];
        while (count > 0)
        {
            int n = from.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (n == 0)
                break;
            to.Write(buffer, 0, n);
            count -= n;
        }
        to.Flush();
    }

    /// <summary>Where a start began in its log: the file and its length then.</summary>
    public readonly record struct Mark(FileStatus? File, long Length);

    public static Mark MarkOf(string path) => Platforms.Current.LStat(path) is { } st ? new Mark(st, st.Size) : new Mark(null, 0);

    /// <summary>
    /// The last <paramref name="lines"/> lines written since <paramref name="since"/> (this start's lines
    /// only): from that offset of the same file, or all of the current file if it was rotated since.
    /// </summary>
    public static string TailSince(string path, Mark since, int lines)
    {
        try
        {
            var now = Platforms.Current.LStat(path);
            long from = now is { } st && since.File is { } was && st.SameFileAs(was) ? since.Length : 0;
            using var file = RegularFile.OpenRead(path);
            using var memory = new MemoryStream();
            WriteTail(file, lines, memory);
            byte[] tail = memory.ToArray();
            long fresh = file.Length - from;
            if (fresh <= 0)
                return "";
            return Encoding.UTF8.GetString(tail.Length <= fresh ? tail : tail[(int)(tail.Length - fresh)..]);
        }
        catch (Exception e) when (e is IOException or CliError or PidGuardException)
        {
            return "";
        }
    }
}
