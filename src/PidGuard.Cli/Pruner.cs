using System.Runtime.InteropServices;
using PidGuard.Platform;

namespace PidGuard.Cli;

internal enum PruneResult
{
    Removed,
    Kept,
    Nothing,
}

/// <summary>
/// Removes every file of a daemon name that is not running. The lock is taken first (exclusively,
/// without creating it) and held while the files go, so no daemon can start meanwhile; the lock
/// file itself is unlinked last, while still locked, then released. Race: an acquirer that opened
/// the old lock file before the unlink gets its flock only after the release, on an inode that no
/// longer has a name; every acquirer checks after flock that the path still names the inode it
/// locked, and starts over on the new file when it does not. A held lock (a running daemon, its
/// leftovers, a supervisor between restarts) means nothing is touched, and so does a free lock while
/// the state file proves the daemon or what is left of its session still runs (the proof `start`
/// applies, <see cref="Predecessor"/>): only regular files are removed.
/// </summary>
internal static class Pruner
{
    public static (PruneResult Result, string Detail) Prune(DaemonPaths paths)
    {
        var p = Platforms.Current;
        SafeHandle? locked;
        try
        {
            locked = LockFile.TryLockExclusive(p, paths.LockFile, create: false);
        }
        catch (PidGuardException e)
        {
            return (PruneResult.Kept, e.Message);
        }
        if (locked is null && p.LStat(paths.LockFile) is not null)
            return (PruneResult.Kept, $"it is {StatusView.StateWord(DaemonProbe.GetStatus(paths.Name, DaemonSelector.Options(paths)))} (its lock is held)");
        if (locked is null)
        {
            // No lock file: a pid file of another tool, removed only if its PID is not alive.
            var legacy = PidFile.Read(paths.PidFile, p);
            if (legacy.Kind == PidFileKind.Valid && ProcessIdentity.IsAlive(legacy.Pid!.Value, p))
                return (PruneResult.Kept, $"its pid file names PID {legacy.Pid}, which is alive");
        }
        // The lock being free does not prove the name is: the daemon may run without holding it (its lock
        // file removed or replaced, or its supervisor killed after the program closed descriptor 3), or
        // only what is left of its session may run. Prune applies start's proof (Predecessor), still locked.
        Predecessor.Refusal? refusal;
        try
        {
            refusal = Predecessor.Check(p, paths, lockFileExisted: locked is not null);
        }
        catch (PidGuardException e)
        {
            Release(p, locked, paths);
            return (PruneResult.Kept, e.Message);
        }
        if (refusal is { } r)
        {
            Release(p, locked, paths);
            return (PruneResult.Kept, r.IsConflict ? $"it still runs without holding its lock: {r.Detail}" : r.Detail);
        }
        using (locked)
        {
            var removed = new List<string>();
            foreach (string file in FilesOf(paths))
            {
                if (RemoveRegular(p, file))
                    removed.Add(Path.GetFileName(file));
            }
            if (locked is not null)
            {
                // Last, while still locked: the name's lock file (see the race above).
                if (p.Unlink(paths.LockFile))
                    removed.Add(Path.GetFileName(paths.LockFile));
                p.UnlockUnshared(locked, paths.LockFile);
            }
            return removed.Count == 0 ? (PruneResult.Nothing, "") : (PruneResult.Removed, string.Join(", ", removed));
        }
    }

    private static void Release(IPlatform p, SafeHandle? locked, DaemonPaths paths)
    {
        if (locked is null)
            return;
        try
        {
            p.UnlockUnshared(locked, paths.LockFile);
        }
        catch (PidGuardException)
        {
            // closing drops it too
        }
        locked.Dispose();
    }

    /// <summary>The name's files besides the lock: pid, state, start definition, env, temp files, and the default log with its rotations.</summary>
    private static IEnumerable<string> FilesOf(DaemonPaths paths)
    {
        string dir = paths.Directory, name = paths.Name;
        yield return paths.PidFile;
        yield return paths.StateFile;
        yield return StartDefinitionFiles.DefinitionPath(paths);
        yield return StartDefinitionFiles.SecretsPath(paths);
        foreach (string temp in new[] { ".pid.tmp", ".json.tmp", ".start.json.tmp", ".env.tmp" })
            yield return Path.Join(dir, "." + name + temp);
        string log = LogFiles.DefaultPath(paths);
        yield return log;
        for (int n = 1; n <= LogRotation.MaxKeep && File.Exists(LogRotation.Rotated(log, n)); n++)
            yield return LogRotation.Rotated(log, n);
    }

    private static bool RemoveRegular(IPlatform p, string path) =>
        p.LStat(path) is { IsRegularFile: true } && p.Unlink(path);
}
