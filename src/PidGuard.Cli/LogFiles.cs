using System.Text;

namespace PidGuard.Cli;

/// <summary>Log file location, tail and follow.</summary>
internal static class LogFiles
{
    public static string DefaultPath(DaemonPaths paths) => Path.Join(paths.Directory, paths.Name + ".log");

    /// <summary>Writes the last <paramref name="lines"/> lines and returns the end position.</summary>
    public static long WriteTail(string path, int lines, Stream output)
    {
        using var file = RegularFile.OpenRead(path);
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
        return end;
    }

    public static async Task FollowAsync(string path, long position, Stream output, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(200, ct).ConfigureAwait(false);
            long length;
            try
            {
                length = new FileInfo(path).Length;
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            if (length < position)
                position = 0; // truncated or rotated
            if (length == position)
                continue;
            using var file = RegularFile.OpenRead(path);
            file.Position = position;
            CopyRange(file, length - position, output);
            position = length;
        }
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

    public static string Tail(string path, int lines) => TailSince(path, 0, lines);

    /// <summary>The last <paramref name="lines"/> lines written after byte <paramref name="since"/> (this start's lines only).</summary>
    public static string TailSince(string path, long since, int lines)
    {
        try
        {
            using var memory = new MemoryStream();
            WriteTail(path, lines, memory);
            string tail = Encoding.UTF8.GetString(memory.ToArray());
            long length = new FileInfo(path).Length;
            long fresh = length - since;
            if (fresh <= 0)
                return "";
            byte[] bytes = Encoding.UTF8.GetBytes(tail);
            return bytes.Length <= fresh ? tail : Encoding.UTF8.GetString(bytes, (int)(bytes.Length - fresh), (int)fresh);
        }
        catch (Exception e) when (e is IOException or CliError)
        {
            return "";
        }
    }
}
