using System.Globalization;
using PidGuard.Platform;

namespace PidGuard.Cli;

/// <summary>Turns a <see cref="DaemonStatus"/> into the one line people read and the JSON scripts read.</summary>
internal static class StatusView
{
    public static StatusJson ToJson(DaemonStatus s) => ToJson(s, MemoryOf(s));

    public static StatusJson ToJson(DaemonStatus s, long? memory)
    {
        var r = s.Record;
        bool runs = s.State == DaemonState.Running;
        return new StatusJson(CliJsonContext.SchemaVersion, s.Name, StateWord(s), s.LsbExitCode, runs ? s.Pid : null, runs ? null : LastPid(s),
            s.IsIdentityVerified, s.IsLegacy, s.IsUnresponsive,
            Uptime(s)?.TotalSeconds, s.HeartbeatAge?.TotalSeconds, memory, s.Supervisor, r?.Phase, s.Holders,
            r?.Restarts, s.State == DaemonState.Restarting ? r?.NextRestartAt : null, r?.LastExit, r?.Ready,
            r?.Status, r?.CommandLine, r?.LogFile, s.Reason, s.Paths.PidFile, s.Paths.LockFile, s.Paths.StateFile);
    }

    /// <summary>The PID a daemon that is not running had (from its stale pid file or its last exit).</summary>
    public static int? LastPid(DaemonStatus s) => s.State is DaemonState.Stale or DaemonState.Lingering or DaemonState.Restarting ? s.Pid ?? s.Record?.LastExit?.Pid : null;

    /// <summary>How long the program has run; none when its start was not recorded (a state file written by hand, an old format).</summary>
    public static TimeSpan? Uptime(DaemonStatus s) => s.Record is { } r && r.StartedAt == default ? null : s.Uptime;

    public static string StateWord(DaemonStatus s) => s.State switch
    {
        DaemonState.Running when s.IsUnresponsive => "unresponsive",
        DaemonState.Running => "running",
        DaemonState.Restarting => s.Phase is SupervisorPhase.Starting or SupervisorPhase.Stopping ? s.Phase : "restarting",
        DaemonState.Lingering => "lingering",
        DaemonState.Stale when s.Phase == SupervisorPhase.Failed => "failed",
        DaemonState.Stale => "dead",
        DaemonState.NotRunning => "stopped",
        _ => "unknown",
    };

    public static string Line(DaemonStatus s)
    {
        var r = s.Record;
        var parts = new List<string>();
        switch (s.State)
        {
            case DaemonState.Running:
                parts.Add(s.Pid is { } pid ? $"{s.Name} is running (PID: {pid})" : $"{s.Name} is running (PID unknown)");
                if (s.Supervisor is { } supervisor)
                    parts.Add($"supervisor PID {supervisor}");
                if (Uptime(s) is { } up)
                    parts.Add($"up {TimeText.Of(up)}");
                if (s.HeartbeatAge is { } age)
                    parts.Add(s.IsUnresponsive ? $"UNRESPONSIVE: last heartbeat {TimeText.Of(age)} ago" : $"heartbeat {TimeText.Of(age)} ago");
                if (r?.Ready == true)
                    parts.Add("ready");
                if (r?.Restarts is > 0 and var n)
                    parts.Add(Count(n, "restart"));
                if (r?.Status is { Length: > 0 } st)
                    parts.Add($"status: {st}");
                if (s.Reason is not null)
                    parts.Add(s.Reason);
                break;
            case DaemonState.Restarting:
                parts.Add($"{s.Name} is {StateWord(s)} ({Restarting(r)}), supervisor PID {s.Supervisor}");
                break;
            case DaemonState.Lingering:
                parts.Add($"{s.Name} is lingering: {s.Reason} ('pidguard stop {s.Name}' ends {(s.Holders.Count == 1 ? "it" : "them")})");
                break;
            case DaemonState.Stale when s.Phase == SupervisorPhase.Failed:
                parts.Add($"{s.Name} has failed: its supervisor gave up after {Count(r?.Restarts ?? 0, "restart")}");
                break;
            case DaemonState.Stale when File.Exists(s.Paths.PidFile):
                parts.Add(s.Pid is { } dead ? $"{s.Name} is dead (its pid file names PID {dead}, which no longer holds the lock)" : $"{s.Name} is dead, its pid file remains");
                if (s.Pid is null && s.Reason is not null)
                    parts.Add(s.Reason);
                break;
            case DaemonState.Stale:
                parts.Add(s.Pid is { } ended ? $"{s.Name} is dead (its last PID was {ended})" : $"{s.Name} is dead");
                break;
            case DaemonState.NotRunning:
                parts.Add($"{s.Name} is not running");
                if (CommonOptions.MissingDirectoryHint(s.Paths.Directory) is { } hint)
                    parts.Add(hint);
                break;
            default:
                parts.Add($"{s.Name}: state unknown: {s.Reason}");
                break;
        }
        if (s.State is DaemonState.Stale or DaemonState.NotRunning && r?.LastExit is { } exit)
            parts.Add($"last exit: {ExitText(exit)} at {exit.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}");
        return string.Join(", ", parts);
    }

    /// <summary>"last exit: code 3, 5 restarts, next try in 1.6 s".</summary>
    private static string Restarting(DaemonStateRecord? r)
    {
        var parts = new List<string>();
        if (r?.Phase == SupervisorPhase.Running)
            parts.Add("its program just exited");
        else if (r?.LastExit is { } exit)
            parts.Add($"last exit: {ExitText(exit)}");
        parts.Add(Count(r?.Restarts ?? 0, "restart"));
        if (r?.NextRestartAt is { } next)
            parts.Add($"next try in {TimeText.Of(next - DateTimeOffset.UtcNow)}");
        return string.Join(", ", parts);
    }

    private static string Count(int n, string what) => $"{n} {what}{(n == 1 ? "" : "s")}";

    public static string ExitText(ExitRecord exit) =>
        exit.Signal is { } sig ? $"killed by signal {sig}" : $"code {exit.Code}";

    /// <summary>Resident memory of the daemon (and its supervisor) from /proc, when readable.</summary>
    public static long? MemoryOf(DaemonStatus s)
    {
        long? total = null;
        if (s.State == DaemonState.Running && s.IsIdentityVerified && s.Pid is { } pid)
            total = Rss(pid);
        if (s.Supervisor is { } supervisor && Rss(supervisor) is { } bytes)
            total = (total ?? 0) + bytes;
        return total;
    }

    /// <summary>Resident bytes from /proc/PID/statm: one open, one read, one close (a FileStream would add flock, fstat and more reads).</summary>
    private static long? Rss(int pid)
    {
        var p = ToolPlatform.Unix;
        using var fd = p.TryOpen($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/statm", OpenFlags.ReadOnly | OpenFlags.CloseOnExec, 0, out _);
        if (fd is null)
            return null;
        Span<byte> buffer = stackalloc byte[128];
        int n;
        try
        {
            n = p.Read(fd, buffer, "statm");
        }
        catch (UnixIOException)
        {
            return null;
        }
        // "size resident shared ...": the second field, in pages.
        var text = buffer[..n];
        int space = text.IndexOf((byte)' ');
        if (space < 0)
            return null;
        var rest = text[(space + 1)..];
        int end = rest.IndexOf((byte)' ');
        return System.Buffers.Text.Utf8Parser.TryParse(end < 0 ? rest : rest[..end], out long pages, out _) ? pages * Environment.SystemPageSize : null;
    }

    public static string Bytes(long? bytes) => bytes switch
    {
        null => "-",
        < 1024 * 1024 => $"{bytes / 1024}K",
        < 1024L * 1024 * 1024 => $"{(bytes.Value / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture)}M",
        _ => $"{(bytes.Value / (1024.0 * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture)}G",
    };
}
