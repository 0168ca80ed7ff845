using System.Text.RegularExpressions;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests;

/// <summary>
/// Stop scenarios with real processes and real signals, each inside its own PID namespace so that a
/// bug can never signal anything outside the scenario.
/// </summary>
public partial class StopTests : SandboxScenario
{
    private static string Outcome(string output) =>
        output.Split('\n').SingleOrDefault(l => l.StartsWith("OUTCOME", StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException("no OUTCOME in:\n" + output);

    [Fact]
    public void Daemon_that_exits_on_TERM_is_Terminated_and_its_files_are_gone()
    {
        string output = Run("""
            HB hold d "$DIR" --on-term exit > "$ROOT/a.out" &
            A=$!
            waitfor "$ROOT/a.out" ACQUIRED
            H stop d "$DIR" TERM/5/KILL/5
            wait $A
            cat "$ROOT/a.out"
            ls -a "$DIR"
            """);
        string outcome = Outcome(output);
        Assert.StartsWith("OUTCOME Terminated", outcome, StringComparison.Ordinal);
        Assert.Contains("signal=TERM", outcome, StringComparison.Ordinal);
        Assert.Contains("GOT TERM", output, StringComparison.Ordinal);
        Assert.Contains("RELEASED", output, StringComparison.Ordinal);
        Assert.DoesNotContain("d.pid", output, StringComparison.Ordinal);
        Assert.DoesNotContain("d.json", output, StringComparison.Ordinal);
        Assert.Contains("d.lock", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Daemon_that_ignores_TERM_is_Killed_after_the_schedule_and_its_files_are_cleaned()
    {
        string output = Run("""
            HB hold d "$DIR" --on-term ignore > "$ROOT/a.out" &
            A=$!
            waitfor "$ROOT/a.out" ACQUIRED
            H stop d "$DIR" TERM/1/KILL/5
            wait $A; echo "EXIT $?"
            cat "$ROOT/a.out"
            ls -a "$DIR"
            """);
        string outcome = Outcome(output);
        Assert.StartsWith("OUTCOME Killed", outcome, StringComparison.Ordinal);
        Assert.Contains("signal=KILL", outcome, StringComparison.Ordinal);
        Assert.InRange(Ms(outcome), 950, 5000);
        Assert.Contains("GOT TERM", output, StringComparison.Ordinal);
        Assert.Contains("EXIT 137", output, StringComparison.Ordinal);
        Assert.DoesNotContain("RELEASED", output, StringComparison.Ordinal);
        Assert.DoesNotContain("d.pid", output, StringComparison.Ordinal);
        Assert.DoesNotContain("d.json", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeating_schedule_keeps_signalling_until_the_daemon_goes()
    {
        // TERM is ignored; the repeated part sends KILL on its second pass at the latest.
        string output = Run("""
            HB hold d "$DIR" --on-term ignore > "$ROOT/a.out" &
            waitfor "$ROOT/a.out" ACQUIRED
            H stop d "$DIR" forever/TERM/0.3/KILL/2
            """);
        Assert.StartsWith("OUTCOME Killed", Outcome(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Stale_pid_file_after_SIGKILL_is_cleaned_without_any_signal()
    {
        string output = Run("""
            HB hold d "$DIR" > "$ROOT/a.out" &
            A=$!
            waitfor "$ROOT/a.out" ACQUIRED
            kill -9 $A; wait $A
            HB sigrecord "$ROOT/b.sig" > "$ROOT/b.out" &
            B=$!
            waitfor "$ROOT/b.out" READY
            H status d "$DIR"
            H stop d "$DIR" TERM/1/KILL/1
            echo "SIGNALS[$(signals_of $B "$ROOT/b.sig")]"
            alive $B B
            ls -a "$DIR"
            """);
        Assert.Contains("STATUS Stale", output, StringComparison.Ordinal);
        string outcome = Outcome(output);
        Assert.StartsWith("OUTCOME StaleCleaned", outcome, StringComparison.Ordinal);
        Assert.Contains("signal=-", outcome, StringComparison.Ordinal);
        Assert.Contains("SIGNALS[]", output, StringComparison.Ordinal);
        Assert.Contains("ALIVE B", output, StringComparison.Ordinal);
        Assert.DoesNotContain("d.pid", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Reused_pid_after_a_crash_is_never_signalled()
    {
        // The daemon died (lock free); its PID now belongs to B. The files are rewritten to name B, as if
        // B had reused the PID. Stop must clean the stale files and leave B alone.
        string output = Run("""
            HB hold d "$DIR" > "$ROOT/a.out" &
            A=$!
            waitfor "$ROOT/a.out" ACQUIRED
            kill -9 $A; wait $A
            HB sigrecord "$ROOT/b.sig" > "$ROOT/b.out" &
            B=$!
            waitfor "$ROOT/b.out" READY
            echo $B > "$DIR/d.pid"
            sed -i "s/\"pid\": [0-9]*/\"pid\": $B/" "$DIR/d.json"
            H stop d "$DIR" TERM/1/KILL/1
            echo "SIGNALS[$(signals_of $B "$ROOT/b.sig")]"
            alive $B B
            """);
        Assert.StartsWith("OUTCOME StaleCleaned", Outcome(output), StringComparison.Ordinal);
        Assert.Contains("SIGNALS[]", output, StringComparison.Ordinal);
        Assert.Contains("ALIVE B", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Pid_and_state_files_naming_an_unrelated_live_process_while_the_lock_is_held_never_get_it_signalled()
    {
        // B records every signal it gets. Three daemons hold their locks and ignore TERM; their files are tampered:
        // d1's pid file names B (the state file still proves the holder), d2's state file names B too, d3 has no
        // state file at all: for both only the kernel's record of the lock proves the holder, and that is enough.
        string output = Run("""
            HB sigrecord "$ROOT/b.sig" > "$ROOT/b.out" &
            B=$!
            waitfor "$ROOT/b.out" READY
            for d in d1 d2 d3; do HB hold $d "$DIR" --on-term ignore > "$ROOT/$d.out" & eval "$d=$!"; waitfor "$ROOT/$d.out" ACQUIRED; done
            echo $B > "$DIR/d1.pid"
            echo $B > "$DIR/d2.pid"; sed -i "s/\"pid\": [0-9]*/\"pid\": $B/" "$DIR/d2.json"
            echo $B > "$DIR/d3.pid"; rm "$DIR/d3.json"
            for d in d1 d2 d3; do H status $d "$DIR"; H stop $d "$DIR" TERM/0.5/KILL/2; done
            echo "SIGNALS[$(signals_of $B "$ROOT/b.sig")]"
            alive $B B; alive $d1 D1; alive $d2 D2; alive $d3 D3
            """);
        var statuses = output.Split('\n').Where(l => l.StartsWith("STATUS", StringComparison.Ordinal)).ToList();
        var outcomes = output.Split('\n').Where(l => l.StartsWith("OUTCOME", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, outcomes.Count);
        // d1: the state file proves the holder whatever the pid file says: the holder is stopped, B is not touched.
        Assert.StartsWith("STATUS Running", statuses[0], StringComparison.Ordinal);
        Assert.Contains("verified=True", statuses[0], StringComparison.Ordinal);
        Assert.Contains("pid file does not name it", statuses[0], StringComparison.Ordinal);
        Assert.StartsWith("OUTCOME Killed", outcomes[0], StringComparison.Ordinal);
        // d2: the files prove nothing (the PID is B's, the token A's), but the kernel shows who holds the lock.
        Assert.StartsWith("STATUS Lingering", statuses[1], StringComparison.Ordinal);
        Assert.StartsWith("OUTCOME Killed", outcomes[1], StringComparison.Ordinal);
        // d3: no state file: the pid file (B) proves nothing and is never used, the process holding the lock is the daemon.
        Assert.StartsWith("STATUS Running", statuses[2], StringComparison.Ordinal);
        Assert.Contains("verified=False", statuses[2], StringComparison.Ordinal);
        Assert.StartsWith("OUTCOME Killed", outcomes[2], StringComparison.Ordinal);
        Assert.Contains("SIGNALS[]", output, StringComparison.Ordinal);
        Assert.Contains("ALIVE B", output, StringComparison.Ordinal);
        Assert.Contains("DEAD D1", output, StringComparison.Ordinal);
        Assert.Contains("DEAD D2", output, StringComparison.Ordinal);
        Assert.Contains("DEAD D3", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_pid_file_without_a_lock_file_is_never_signalled()
    {
        string output = Run("""
            HB sigrecord "$ROOT/b.sig" > "$ROOT/b.out" &
            B=$!
            waitfor "$ROOT/b.out" READY
            mkdir -m 700 "$DIR"
            echo $B > "$DIR/d.pid"
            H status d "$DIR"; echo "LSB $?"
            H stop d "$DIR" TERM/1/KILL/1
            echo "SIGNALS[$(signals_of $B "$ROOT/b.sig")]"
            alive $B B
            ls "$DIR"
            """);
        Assert.Contains("STATUS Running", output, StringComparison.Ordinal);
        Assert.Contains("LSB 0", output, StringComparison.Ordinal);
        string outcome = Outcome(output);
        Assert.StartsWith("OUTCOME Failed", outcome, StringComparison.Ordinal);
        Assert.Contains("no lock file", outcome, StringComparison.Ordinal);
        Assert.Contains("SIGNALS[]", output, StringComparison.Ordinal);
        Assert.Contains("ALIVE B", output, StringComparison.Ordinal);
        Assert.Contains("d.pid", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Stopping_our_own_process_is_refused()
    {
        string output = Run("""
            H stop-self d "$DIR"
            """);
        string outcome = Outcome(output);
        Assert.StartsWith("OUTCOME Failed", outcome, StringComparison.Ordinal);
        Assert.Contains("this process", outcome, StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_of_a_name_that_never_ran_is_NotRunning()
    {
        string output = Run("""
            H stop d "$DIR" TERM/1/KILL/1; echo "EXIT $?"
            """);
        Assert.StartsWith("OUTCOME NotRunning", Outcome(output), StringComparison.Ordinal);
        Assert.Contains("EXIT 0", output, StringComparison.Ordinal);
    }

    private static long Ms(string outcome) => long.Parse(MsPattern().Match(outcome).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"ms=(\d+)")]
    private static partial Regex MsPattern();
}
