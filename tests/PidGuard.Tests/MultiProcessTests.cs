using System.Globalization;
using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests;

public class MultiProcessTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Another_process_holding_the_lock_is_reported_with_its_pid()
    {
        using var holder = ChildProcess.Host("hold", "app", _dir.Runtime);
        int pid = holder.WaitForInt("ACQUIRED");
        Assert.Equal(holder.Pid, pid);
        var e = Assert.Throws<AlreadyRunningException>(() => _dir.Acquire("app"));
        Assert.Equal(pid, e.OwnerPid);
        Assert.Contains($"Daemon already running (PID: {pid})", e.Message, StringComparison.Ordinal);
        var (code, lines) = ChildProcess.RunHost("try", "app", _dir.Runtime);
        Assert.Equal(75, code);
        Assert.Equal($"LOST {pid}", lines.Single());
    }

    [Fact]
    public void After_a_real_SIGKILL_the_files_are_stale_and_the_next_acquire_recovers_them()
    {
        var holder = ChildProcess.Host("hold", "crash", _dir.Runtime);
        int pid = holder.WaitForInt("ACQUIRED");
        holder.Kill(); // SIGKILL: no cleanup code runs
        holder.Dispose();
        var paths = _dir.Paths("crash");
        Assert.Equal($"{pid}\n", File.ReadAllText(paths.PidFile));
        var status = DaemonProbe.GetStatus("crash", _dir.Options());
        Assert.Equal(DaemonState.Stale, status.State);
        Assert.Equal(pid, status.Pid);
        Assert.Equal(1, status.LsbExitCode);
        using var l = _dir.Acquire("crash");
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(paths.PidFile));
    }

    [Fact]
    public void Graceful_shutdown_of_a_real_process_removes_pid_and_state()
    {
        using var holder = ChildProcess.Host("hold", "graceful", _dir.Runtime, "--ms", "300");
        holder.WaitFor("ACQUIRED");
        holder.WaitFor("RELEASED");
        Assert.True(holder.WaitForExit(10_000));
        Assert.Equal(0, holder.ExitCode);
        var paths = _dir.Paths("graceful");
        Assert.False(File.Exists(paths.PidFile));
        Assert.False(File.Exists(paths.StateFile));
        Assert.True(File.Exists(paths.LockFile));
        Assert.Equal(DaemonState.NotRunning, DaemonProbe.GetStatus("graceful", _dir.Options()).State);
    }

    [Fact]
    public void A_loser_never_writes_truncates_or_deletes_the_holders_files()
    {
        using var holder = ChildProcess.Host("hold", "keep", _dir.Runtime);
        int pid = holder.WaitForInt("ACQUIRED");
        var paths = _dir.Paths("keep");
        var pidInfo = new FileInfo(paths.PidFile);
        var stateBefore = File.ReadAllBytes(paths.StateFile);
        var pidWritten = pidInfo.LastWriteTimeUtc;
        long ino = Inode(paths.PidFile);
        for (int i = 0; i < 3; i++)
            Assert.Equal($"LOST {pid}", ChildProcess.RunHost("try", "keep", _dir.Runtime).Lines.Single());
        for (int i = 0; i < 200; i++)
            Assert.Null(_dir.TryAcquire("keep"));
        Assert.Equal($"{pid}\n", File.ReadAllText(paths.PidFile));
        Assert.Equal(stateBefore, File.ReadAllBytes(paths.StateFile));
        Assert.Equal(pidWritten, new FileInfo(paths.PidFile).LastWriteTimeUtc);
        Assert.Equal(ino, Inode(paths.PidFile));
        Assert.Empty(Directory.GetFiles(_dir.Runtime, ".*"));
    }

    [Fact]
    public void Sixteen_processes_racing_produce_exactly_one_winner()
    {
        const int racers = 16;
        long at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3000;
        var procs = Enumerable.Range(0, racers)
            .Select(_ => ChildProcess.Host("try", "race", _dir.Runtime, "--at", at.ToString(CultureInfo.InvariantCulture), "--ms", "1500"))
            .ToList();
        try
        {
            var lines = procs.Select(p => (p.Pid, Line: p.WaitFor("", 60_000))).ToList();
            var winners = lines.Where(l => l.Line.StartsWith("WON", StringComparison.Ordinal)).ToList();
            Assert.Single(winners);
            int winner = winners[0].Pid;
            foreach (var (_, line) in lines.Where(l => l.Line.StartsWith("LOST", StringComparison.Ordinal)))
                Assert.True(line == $"LOST {winner}" || line == "LOST unknown", $"a loser reported '{line}', the winner is {winner}");
            Assert.Equal(racers - 1, lines.Count(l => l.Line.StartsWith("LOST", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var p in procs)
                p.Dispose();
        }
    }

    private static long Inode(string path)
    {
        var stat = BoundedProcess.Run(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]), TimeSpan.FromSeconds(30), "stat");
        return long.Parse(stat.Stdout.Trim(), CultureInfo.InvariantCulture);
    }
}
