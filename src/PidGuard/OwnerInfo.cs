using PidGuard.Platform;

namespace PidGuard;

/// <summary>What the pid and state files say about the lock holder, and whether it is proven.</summary>
internal readonly record struct OwnerInfo(PidFileContent PidFile, DaemonStateRecord? Record, string? IdentityProblem)
{
    /// <summary>The pid file names a live process whose start-time token matches the state file.</summary>
    public bool IsProven => PidFile.Kind == PidFileKind.Valid && IdentityProblem is null;

    public int? Pid => PidFile.Pid;

    public static OwnerInfo Read(IPlatform p, DaemonPaths paths)
    {
        var pid = PidGuard.PidFile.Read(paths.PidFile, p);
        if (pid.Kind != PidFileKind.Valid)
            return new OwnerInfo(pid, null, pid.Problem);
        var record = StateFile.Read(paths.StateFile, p, out _);
        return new OwnerInfo(pid, record, ProcessIdentity.Mismatch(pid.Pid!.Value, record, p));
    }

    /// <summary>
    /// Reads the owner of a held lock, retrying with backoff for up to <paramref name="window"/>
    /// while it is unproven: a new holder writes its files just after locking.
    /// </summary>
    public static OwnerInfo ReadHeld(IPlatform p, DaemonPaths paths, TimeSpan window)
    {
        long deadline = Environment.TickCount64 + (long)window.TotalMilliseconds;
        int delay = Backoff.FirstDelayMs;
        while (true)
        {
            var info = Read(p, paths);
            long remaining = deadline - Environment.TickCount64;
            if (info.IsProven || remaining <= 0)
                return info;
            Thread.Sleep((int)Math.Min(delay, remaining));
            delay = Backoff.Next(delay);
        }
    }
}
