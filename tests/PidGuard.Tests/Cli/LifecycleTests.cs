using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Cli;

public class LifecycleTests : CliScenario
{
    [Fact]
    public void Start_status_stop_of_sleep()
    {
        Prerequisite.RequireCommand("pgrep"); // without it "|| echo NO_SLEEP" would pass
        string o = Run("""
            P start web -- sleep 300; echo "START=$?"
            P status web; echo "STATUS=$?"
            cat "$DIR/web.pid"
            P stop web; echo "STOP=$?"
            P status web; echo "STATUS2=$?"
            P stop web; echo "STOP2=$?"
            ls -a "$DIR"
            pgrep -x sleep || echo "NO_SLEEP"
            """);
        Assert.Equal("0", Value(o, "START"));
        Assert.Matches(@"started web \(PID: \d+\)", o);
        Assert.Equal("0", Value(o, "STATUS"));
        Assert.Matches(@"web is running \(PID: \d+\), supervisor PID \d+, up", o);
        Assert.Matches(@"stopped web \(PID: \d+\) in \d+", o);
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Contains("web is not running", o, StringComparison.Ordinal);
        Assert.Equal("3", Value(o, "STATUS2"));
        Assert.Equal("0", Value(o, "STOP2"));
        Assert.Contains("web.lock", o, StringComparison.Ordinal);
        Assert.DoesNotContain("web.pid\n", o, StringComparison.Ordinal);
        Assert.Contains("NO_SLEEP", o, StringComparison.Ordinal);
    }

    [Fact]
    public void A_program_that_exits_at_once_fails_its_start_and_is_left_dead_with_its_exit_every_time()
    {
        // Race: the supervisor holds the lock a moment after it recorded the exit; a start that saw that
        // moment stopped it ("not restarting it"), which erased the record (6 of 20 starts here).
        string o = Run("""
            for i in $(seq 1 20); do
              P start b$i -- sh -c 'exit 2' 2>>"$ROOT/errors"; echo "CODE $?"
              P status b$i | head -n 1
            done
            cat "$ROOT/errors"
            """);
        Assert.True(Lines(o, "CODE 1").Count == 20, o);
        Assert.True(Lines(o, "pidguard: cannot start b").Count(l => l.EndsWith(": sh exited during start (code 2)", StringComparison.Ordinal)) == 20, o);
        Assert.True(Lines(o, "b").Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^b\d+ is dead \(its last PID was \d+\)")) == 20, o);
    }

    [Fact]
    public void The_loser_of_two_racing_starts_names_the_winner_s_program_not_its_start_process()
    {
        // The winner's `pidguard start` holds the lock while it hands it to its supervisor (state "starting"):
        // the loser waits for the program instead of naming that short-lived process (was: "its supervisor (PID 4)").
        string o = Run("""
            P start r -- sleep 300 > "$ROOT/o1" 2>&1 & P start r -- sleep 300 > "$ROOT/o2" 2>&1 & wait
            cat "$ROOT/o1" "$ROOT/o2"
            echo "PROGRAM=$(cat "$DIR/r.pid")"
            """);
        Assert.Single(Lines(o, "started r (PID: "));
        Assert.Contains($"pidguard: Daemon already running (PID: {Value(o, "PROGRAM")})", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Second_start_reports_the_owner_and_exits_75()
    {
        string o = Run("""
            P start web -- sleep 300
            PID=$(cat "$DIR/web.pid")
            P start web -- sleep 300 2> "$ROOT/err"; echo "CODE=$?"
            echo "OWNER=$PID"
            cat "$ROOT/err"
            """);
        Assert.Equal("75", Value(o, "CODE"));
        Assert.Contains($"Daemon already running (PID: {Value(o, "OWNER")})", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Daemon_that_traps_TERM_is_stopped_and_its_handler_ran()
    {
        string o = Run("""
            P start trap -- sh -c 'trap "echo got-term; exit 0" TERM; while :; do sleep 0.05; done'
            P stop trap; echo "STOP=$?"
            P logs trap
            """);
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Matches(@"stopped trap \(PID: \d+\)", o);
        Assert.Contains("got-term", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Daemon_that_ignores_TERM_is_killed_with_its_whole_process_group()
    {
        Prerequisite.RequireCommand("pgrep"); // without it "|| echo NO_SLEEP" would pass
        // The program ignores TERM and has a grandchild that inherited the lock descriptor.
        string o = Run("""
            P start stubborn -- sh -c 'trap "" TERM; sleep 300 & wait'
            P stop stubborn --timeout 1; echo "STOP=$?"
            P status stubborn; echo "STATUS=$?"
            pgrep -x sleep || echo "NO_SLEEP"
            """);
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Matches(@"killed stubborn \(PID: \d+\) after [1-4](\.\d)? s", o);
        Assert.Equal("3", Value(o, "STATUS"));
        Assert.Contains("NO_SLEEP", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Crash_shows_status_1_with_the_exit_code_and_start_again_works()
    {
        string o = Run("""
            P start job -- sh -c 'echo working; sleep 0.3; exit 3'
            sleep 1.5
            P status job; echo "STATUS=$?"
            P status job --json > "$ROOT/status.json"; echo "JSON=$?"
            grep -c '"code": 3' "$ROOT/status.json"
            P start job -- sleep 300; echo "RESTART=$?"
            P status job; echo "STATUS2=$?"
            """);
        Assert.Equal("1", Value(o, "STATUS"));
        Assert.Matches(@"job is dead \(its last PID was \d+\), last exit: code 3", o);
        Assert.Equal("1", Value(o, "JSON"));
        Assert.Equal("0", Value(o, "RESTART"));
        Assert.Equal("0", Value(o, "STATUS2"));
    }

    [Fact]
    public void Restart_on_failure_restarts_with_backoff_and_counts()
    {
        string o = Run("""
            # The first run outlives the start (a crash on the first exit fails the start itself), then every run fails.
            P start flaky --restart on-failure -- sh -c '[ -e "$0" ] && { sleep 0.1; exit 1; }; touch "$0"; sleep 0.5; exit 1' "$ROOT/ran"
            sleep 2
            P status flaky --json > "$ROOT/s.json"
            P stop flaky; echo "STOP=$?"
            grep '"restarts"' "$ROOT/s.json"
            P logs flaky -n 50
            """);
        Assert.Equal("0", Value(o, "STOP"));
        var restarts = System.Text.RegularExpressions.Regex.Match(o, "\"restarts\": (\\d+)");
        Assert.True(restarts.Success, o);
        Assert.InRange(int.Parse(restarts.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 2, 12);
        Assert.Contains("restarting in 100 ms", o, StringComparison.Ordinal);
        Assert.Contains("restarting in 200 ms", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_uses_the_recorded_command_line()
    {
        string o = Run("""
            mkdir "$ROOT/work"
            P start rs --cwd "$ROOT/work" -- sh -c 'pwd; sleep 300'
            echo "BEFORE=$(cat "$DIR/rs.pid")"
            P restart rs; echo "RESTART=$?"
            echo "AFTER=$(cat "$DIR/rs.pid")"
            P status rs; echo "STATUS=$?"
            P logs rs -n 10
            P restart never-started; echo "NEVER=$?"
            """);
        Assert.Equal("0", Value(o, "RESTART"));
        Assert.NotEqual(Value(o, "BEFORE"), Value(o, "AFTER"));
        Assert.Equal("0", Value(o, "STATUS"));
        Assert.Equal(2, o.Split('\n').Count(l => l.EndsWith("/work", StringComparison.Ordinal)));
        Assert.Equal("1", Value(o, "NEVER"));
    }

    [Fact]
    public void Wait_ready_returns_after_READY_and_fails_when_the_program_dies_or_never_reports()
    {
        string o = Run("""
            P start ready --wait-ready 20 -- $(echo H) notify READY=1 --after 300 --then-sleep 300000 2>&1; echo "READY=$?"
            P status ready; echo "STATUS=$?"
            P start dies --wait-ready 20 -- sh -c 'echo about-to-die; exit 5' 2> "$ROOT/dies.err"; echo "DIES=$?"
            cat "$ROOT/dies.err"
            P start mute --wait-ready 1 -- sleep 300 2> "$ROOT/mute.err"; echo "MUTE=$?"
            cat "$ROOT/mute.err"
            """.Replace("$(echo H)", "'" + Infrastructure.ChildProcess.Dotnet + "' '" + Infrastructure.ChildProcess.HostDll + "'", StringComparison.Ordinal));
        Assert.Equal("0", Value(o, "READY"));
        Assert.Matches(@"started ready \(PID: \d+\), ready after", o);
        Assert.Contains(", ready", o, StringComparison.Ordinal);
        Assert.Equal("1", Value(o, "DIES"));
        Assert.Contains("exited", o, StringComparison.Ordinal);
        Assert.Contains("code 5", o, StringComparison.Ordinal);
        Assert.Contains("about-to-die", o, StringComparison.Ordinal);
        Assert.Equal("1", Value(o, "MUTE"));
        Assert.Contains("did not report READY=1", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Supervisor_killed_with_SIGKILL_leaves_a_child_that_is_still_found_guarded_and_stoppable()
    {
        Prerequisite.RequireCommand("pgrep"); // without it "|| echo NO_SLEEP" would pass
        string o = Run("""
            P start orphan -- sleep 300
            SUP=$(sed -n '/"supervisor"/,/}/s/.*"pid": \([0-9]*\).*/\1/p' "$DIR/orphan.json")
            echo "PROGRAM=$(cat "$DIR/orphan.pid")"
            kill -9 $SUP
            sleep 0.2
            P status orphan; echo "STATUS=$?"
            P start orphan -- sleep 300 2> "$ROOT/start.err"; echo "START=$?"
            cat "$ROOT/start.err"
            P stop orphan --timeout 2; echo "STOP=$?"
            P status orphan; echo "STATUS2=$?"
            pgrep -x sleep || echo "NO_SLEEP"
            """);
        Assert.Equal("0", Value(o, "STATUS"));
        Assert.Matches(@"orphan is running \(PID: \d+\).*its supervisor \(PID \d+\) is gone", o);
        Assert.Equal("75", Value(o, "START"));
        // The conflict names the program, the PID the user can act on (not "PID: unknown").
        Assert.Contains($"Daemon already running (PID: {Value(o, "PROGRAM")})", o, StringComparison.Ordinal);
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Equal("3", Value(o, "STATUS2"));
        Assert.Contains("NO_SLEEP", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Concurrent_starts_of_one_name_start_exactly_one()
    {
        string o = Run("""
            for i in 1 2 3 4 5 6; do (P start race -- sleep 300 > "$ROOT/out.$i" 2>&1; echo "$?" > "$ROOT/code.$i") & done
            wait
            echo "CODES=$(cat "$ROOT"/code.* | sort | tr '\n' ' ')"
            echo "SLEEPS=$(pgrep -x sleep | wc -l)"
            """);
        Assert.Equal("0 75 75 75 75 75 ", Value(o, "CODES"));
        Assert.Equal("1", Value(o, "SLEEPS"));
    }
}
