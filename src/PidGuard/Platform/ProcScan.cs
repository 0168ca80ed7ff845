using System.Globalization;

namespace PidGuard.Platform;

/// <summary>
/// Linux <c>/proc</c> scans: which processes hold a lock file's flock, and which belong to a
/// process group. Processes that cannot be read (another user's, as non-root) are skipped.
/// </summary>
internal static class ProcScan
{
    /// <summary>
    /// The PIDs with a descriptor on the open file description that holds the exclusive flock of the
    /// file <paramref name="lockFile"/>: the kernel lists that lock in <c>/proc/PID/fdinfo/N</c> of
    /// exactly those descriptors, so every PID returned is proven to hold the lock.
    /// </summary>
    public static List<int> FlockHolders(UnixPlatform p, FileStatus lockFile)
    {
        var holders = new List<int>();
        foreach (int pid in Pids())
        {
            if (HoldsFlock(p, pid, lockFile))
                holders.Add(pid);
        }
        return holders;
    }

    /// <summary>
    /// True when process <paramref name="pid"/> has a descriptor holding the exclusive flock of
    /// <paramref name="lockFile"/>. Descriptor 3, where PidGuard puts the lock for the programs it
    /// starts, is looked at first; then every descriptor that names the file.
    /// </summary>
    public static bool HoldsFlock(UnixPlatform p, int pid, FileStatus lockFile)
    {
        if (FdInfoHoldsFlockOf(ReadSmall(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/fdinfo/3")), lockFile))
            return true;
        string fdDir = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/fd");
        IEnumerable<string> fds;
        try
        {
            fds = Directory.EnumerateFileSystemEntries(fdDir).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        foreach (string fd in fds)
        {
            FileStatus? st;
            try
            {
                st = p.Stat(fd);
            }
            catch (UnixIOException)
            {
                continue;
            }
            if (st is not { } s || !s.SameFileAs(lockFile))
                continue;
            string info = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/fdinfo/{Path.GetFileName(fd)}");
            if (FdInfoHoldsFlockOf(ReadSmall(info), lockFile))
                return true;
        }
        return false;
    }

    /// <summary>
    /// True when an fdinfo text lists an exclusive (WRITE) flock held through that descriptor on the
    /// file <paramref name="lockFile"/>: <c>lock:&#9;1: FLOCK  ADVISORY  WRITE 5672 fe:00:11657260 0 EOF</c>
    /// (the file as major:minor in hex and the inode in decimal).
    /// </summary>
    public static bool FdInfoHoldsFlockOf(string? fdinfo, FileStatus lockFile)
    {
        if (fdinfo is null)
            return false;
        foreach (string line in fdinfo.Split('\n'))
        {
            if (!line.StartsWith("lock:", StringComparison.Ordinal))
                continue;
            string[] f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            // lock: 1: FLOCK ADVISORY WRITE PID MAJ:MIN:INO START END
            if (f.Length >= 7 && f[2] == "FLOCK" && f[4] == "WRITE" && SameFile(f[6], lockFile))
                return true;
        }
        return false;
    }

    private static bool SameFile(string majMinIno, FileStatus file)
    {
        string[] parts = majMinIno.Split(':');
        return parts.Length == 3
            && uint.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint major)
            && uint.TryParse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint minor)
            && ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode)
            && (((ulong)major << 32) | minor) == file.Device && inode == file.Inode;
    }

    /// <summary>Live (not zombie) processes whose process group is <paramref name="processGroup"/>.</summary>
    public static List<int> GroupMembers(int processGroup) => Members(s => s.ProcessGroup == processGroup);

    /// <summary>Live (not zombie) processes of the session <paramref name="session"/>.</summary>
    public static List<int> SessionMembers(int session) => Members(s => s.Session == session);

    private static List<int> Members(Func<ProcessStatus, bool> belongs)
    {
        var members = new List<int>();
        foreach (int pid in Pids())
        {
            if (Status(pid) is { IsZombie: false } s && belongs(s))
                members.Add(pid);
        }
        return members;
    }

    /// <summary>The kernel's status line of <paramref name="pid"/>, or null when it is gone or unreadable.</summary>
    public static ProcessStatus? Status(int pid)
    {
        Span<byte> buffer = stackalloc byte[1024];
        string path = string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat");
        try
        {
            using var file = File.OpenHandle(path);
            int n = RandomAccess.Read(file, buffer, 0);
            return n > 0 ? ProcStat.Parse(buffer[..n]) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<int> Pids()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                yield return pid;
        }
    }

    /// <summary>
    /// One open, the reads, one close: File.ReadAllText adds an fstat, two flocks and another read, and
    /// `pidguard list` reads two of these per daemon. Null when the file cannot be read (the process is gone).
    /// </summary>
    private static unsafe string? ReadSmall(string path)
    {
        const int OReadOnlyCloseOnExec = 0x80000; // Linux: /proc exists nowhere else
        const int Size = 8192;
        int fd = UnixNative.Open(path, OReadOnlyCloseOnExec, 0);
        if (fd < 0)
            return null;
        try
        {
            byte* buffer = stackalloc byte[Size];
            int total = 0;
            while (total < Size)
            {
                nint n = UnixNative.Read(fd, buffer + total, Size - total);
                if (n == 0)
                    break;
                if (n < 0)
                {
                    if (System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == UnixConstants.EIntr)
                        continue;
                    return null;
                }
                total += (int)n;
            }
            return System.Text.Encoding.UTF8.GetString(buffer, total);
        }
        finally
        {
            UnixNative.Close(fd);
        }
    }
}
