using System.Text;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests;

public class StatusTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private DaemonStatus Status(string name) => DaemonProbe.GetStatus(name, _dir.Options());

    [Fact]
    public void Nothing_is_NotRunning_with_LSB_3()
    {
        var s = Status("none");
        Assert.Equal(DaemonState.NotRunning, s.State);
        Assert.Equal(3, s.LsbExitCode);
        Assert.Null(s.Pid);
        Assert.False(Directory.Exists(_dir.Runtime)); // probing creates nothing
    }

    [Fact]
    public void Held_lock_is_Running_with_a_verified_pid_and_LSB_0()
    {
        using var l = _dir.Acquire("up");
        var s = Status("up");
        Assert.Equal(DaemonState.Running, s.State);
        Assert.Equal(Environment.ProcessId, s.Pid);
        Assert.True(s.IsIdentityVerified);
        Assert.Equal(0, s.LsbExitCode);
        Assert.NotNull(s.Uptime);
        Assert.Null(s.HeartbeatAge);
        Assert.False(s.IsUnresponsive);
        Assert.True(SignalDecision.For(s, self: -1).Allowed);
    }

    [Fact]
    public void Free_lock_with_a_pid_file_naming_a_live_unrelated_process_is_Stale_not_Running()
    {
        using (_dir.Acquire("reuse"))
        {
        }
        // The lock file exists and is free; the pid file names a live process (ours) that does not hold it.
        File.WriteAllText(_dir.Paths("reuse").PidFile, $"{Environment.ProcessId}\n");
        var s = Status("reuse");
        Assert.Equal(DaemonState.Stale, s.State);
        Assert.Equal(Environment.ProcessId, s.Pid);
        Assert.False(s.IsIdentityVerified);
        Assert.Equal(1, s.LsbExitCode);
        Assert.False(SignalDecision.For(s).Allowed);
    }

    [Fact]
    public void Legacy_pid_file_of_a_dead_process_is_Stale_and_of_a_live_one_is_Running_but_not_signallable()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        var paths = _dir.Paths("legacy");
        File.WriteAllText(paths.PidFile, $"{InstanceLockTests.DeadPid()}\n");
        var dead = Status("legacy");
        Assert.Equal(DaemonState.Stale, dead.State);
        Assert.True(dead.IsLegacy);

        File.WriteAllText(paths.PidFile, $"{Environment.ProcessId}\n");
        var live = Status("legacy");
        Assert.Equal(DaemonState.Running, live.State);
        Assert.True(live.IsLegacy);
        var decision = SignalDecision.For(live, self: -1);
        Assert.False(decision.Allowed);
        Assert.Contains("no lock file", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unreadable_runtime_files_give_Unknown_with_LSB_4()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        Directory.CreateDirectory(_dir.Paths("weird").LockFile); // a directory where the lock file should be
        var s = Status("weird");
        Assert.Equal(DaemonState.Unknown, s.State);
        Assert.Equal(4, s.LsbExitCode);
        Assert.Contains("weird.lock", s.Reason, StringComparison.Ordinal);
        Assert.Contains("directory", s.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_of_a_held_lock_without_pid_file_reports_Running_without_pid_after_the_window()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        using var fd = LockFile.TryLockExclusive(PidGuard.Platform.Platforms.Current, _dir.Paths("starting").LockFile)!;
        var s = Status("starting");
        Assert.Equal(DaemonState.Running, s.State);
        Assert.Null(s.Pid);
        Assert.Contains("no pid file", s.Reason, StringComparison.Ordinal);
        Assert.False(SignalDecision.For(s).Allowed);
    }
}

/// <summary>
/// Every kind of bad pid file, with the lock free and with the lock held by a real daemon: each
/// gives a defined status and is never signalled. Runs inside a PID namespace.
/// </summary>
public class BadPidFileTests : SandboxScenario
{
    private static string B64(string s) => "b64:" + Convert.ToBase64String(Encoding.Latin1.GetBytes(s));

    private static readonly string[] Cases =
    [
        "empty=" + B64(""),
        "blank=" + B64("  \n\t"),
        "abc=" + B64("abc"),
        "minus1=" + B64("-1\n"),
        "zero=" + B64("0\n"),
        "init=" + B64("1\n"),
        "huge=" + B64("4294967296\n"),
        "mixed=" + B64("12abc\n"),
        "nul=" + B64("12\u000034\n"),
        "junk=junk1m",
        "symlink=symlink:2\n",
        "directory=dir",
    ];

    private static Dictionary<string, string> Table(string output) =>
        output.Split('\n').Where(l => l.StartsWith("CASE ", StringComparison.Ordinal))
            .ToDictionary(l => l.Split(' ')[1], l => l);

    [Fact]
    public void With_the_lock_free_garbage_is_Stale_and_cleaned_while_links_and_directories_are_Unknown_and_kept()
    {
        string output = Run($"""
            mkdir -m 700 "$DIR"; : > "$DIR/d.lock"; chmod 600 "$DIR/d.lock"
            H table d "$DIR" {string.Join(' ', Cases.Select(c => $"'{c}'"))}
            """);
        var rows = Table(output);
        Assert.Equal(Cases.Length, rows.Count);
        foreach (string label in new[] { "empty", "blank", "abc", "minus1", "zero", "init", "huge", "mixed", "nul", "junk" })
        {
            string row = rows[label];
            Assert.Contains("status=Stale lsb=1 pid=- verified=False may=False decided=- stop=StaleCleaned signal=- after=gone", row, StringComparison.Ordinal);
        }
        Assert.Contains("status=Unknown lsb=4 pid=- verified=False may=False decided=- stop=Failed signal=- after=symlink target=2", rows["symlink"], StringComparison.Ordinal);
        Assert.Contains("status=Unknown lsb=4 pid=- verified=False may=False decided=- stop=Failed signal=- after=dir", rows["directory"], StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_lock_held_a_bad_pid_file_is_never_signalled_and_the_state_file_still_proves_the_holder()
    {
        // C records signals: a pid file of -1 or 0 that were ever signalled would reach it.
        string output = Run($"""
            HB sigrecord "$ROOT/c.sig" > "$ROOT/c.out" &
            C=$!
            waitfor "$ROOT/c.out" READY
            HB hold d "$DIR" --on-term ignore > "$ROOT/a.out" &
            A=$!
            waitfor "$ROOT/a.out" ACQUIRED
            echo "HOLDER=$A"
            rm "$DIR/d.pid"
            H table d "$DIR" --no-stop {string.Join(' ', Cases.Select(c => $"'{c}'"))}
            echo '-1' > "$DIR/d.pid"
            H stop d "$DIR" TERM/0.5/KILL/2
            echo "SIGNALS[$(signals_of $C "$ROOT/c.sig")]"
            alive $A A
            alive $C C
            """);
        var rows = Table(output);
        Assert.Equal(Cases.Length, rows.Count);
        string holder = output.Split('\n').Single(l => l.StartsWith("HOLDER=", StringComparison.Ordinal))[7..];
        foreach (var row in rows.Values)
            Assert.Contains($"status=Running lsb=0 pid={holder} verified=True may=True decided={holder}", row, StringComparison.Ordinal);
        Assert.Contains("OUTCOME Killed", output, StringComparison.Ordinal);
        Assert.Contains("SIGNALS[]", output, StringComparison.Ordinal);
        Assert.Contains("DEAD A", output, StringComparison.Ordinal);
        Assert.Contains("ALIVE C", output, StringComparison.Ordinal);
    }
}
