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
    public static List<int> FlockHolders(IPlatform p, FileStatus lockFile)
    {
        var holders = new List<int>();
        foreach (int pid in Pids())
        {
            if (HoldsFlock(p, pid, lockFile))
                holders.Add(pid);
        }
        return holders;
    }

    /// <summary>True when process <paramref name="pid"/> has a descriptor holding the exclusive flock of <paramref name="lockFile"/>.</summary>
    public static bool HoldsFlock(IPlatform p, int pid, FileStatus lockFile)
    {
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
            if (FdInfoShowsExclusiveFlock(ReadSmall(info)))
                return true;
        }
        return false;
    }

    /// <summary>True when an fdinfo text lists an exclusive (WRITE) flock held through that descriptor.</summary>
    public static bool FdInfoShowsExclusiveFlock(string? fdinfo)
    {
        if (fdinfo is null)
            return false;
        foreach (string line in fdinfo.Split('\n'))
        {
            if (line.StartsWith("lock:", StringComparison.Ordinal) && line.Contains(" FLOCK ", StringComparison.Ordinal)
                && line.Contains(" WRITE ", StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>Live (not zombie) processes whose process group is <paramref name="processGroup"/>.</summary>
    public static List<int> GroupMembers(int processGroup)
    {
        var members = new List<int>();
        foreach (int pid in Pids())
        {
            if (ReadSmall(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat")) is not { } stat)
                continue;
            if (ProcStat.ProcessGroupOf(stat) == processGroup && ProcStat.StateOf(stat) != 'Z')
                members.Add(pid);
        }
        return members;
    }

    private static IEnumerable<int> Pids()
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                yield return pid;
        }
    }

    private static string? ReadSmall(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
