namespace PidGuard.Tests.Cli;

/// <summary>
/// The hostile review after R1–R8 (RELIABILITY.md rows R9…): each test reproduces one way the guarantee
/// "the name is held exactly as long as any process of the daemon lives, and only the proven daemon is
/// signalled" broke, with the real tool in a PID namespace.
/// </summary>
public class ReviewRegressionTests : CliScenario
{
    [Fact]
    public void Prune_never_removes_the_files_of_a_daemon_that_runs_without_its_lock_or_of_what_is_left_of_its_session()
    {
        string o = Run("""
            P start x -q -- sleep 300
            rm "$DIR/x.lock"
            P start x -q -- sleep 300 2>/dev/null; echo "REFUSED_X=$?"
            P prune x 2>&1; echo "PRUNE_X=$?"
            P start x -q -- sleep 301 2>/dev/null; echo "SECOND_X=$?"
            P start y -q -- sleep 310
            rm "$DIR/y.lock"; touch "$DIR/y.lock"
            P prune y 2>&1; echo "PRUNE_Y=$?"
            P start y -q -- sleep 311 2>/dev/null; echo "SECOND_Y=$?"
            P start lg -q -- sh -c '( exec 3>&-; exec sleep 320 ) & echo $! > "$0/child"; while [ ! -e "$0/go" ]; do sleep 0.05; done' "$ROOT"
            waitfor "$DIR/lg.json" '"phase": "running"'
            waituntil 10 test -s "$ROOT/child"
            MAIN=$(cat "$DIR/lg.pid")
            kill -9 "$(supervisor lg)"; touch "$ROOT/go"
            waituntil 10 gone "$MAIN"
            P status lg; echo "STATUS_LG=$?"
            P prune lg 2>&1; echo "PRUNE_LG=$?"
            P start lg -q -- sleep 321 2>/dev/null; echo "SECOND_LG=$?"
            echo "FILES=$(ls "$DIR" | sort | tr '\n' ' ')"
            echo "SLEEPS=$(pgrep -x sleep | wc -l)"
            """);
        AssertValue(o, "REFUSED_X", "75");
        AssertValue(o, "PRUNE_X", "1");
        AssertValue(o, "SECOND_X", "75");
        AssertValue(o, "PRUNE_Y", "1");
        AssertValue(o, "SECOND_Y", "75");
        AssertValue(o, "STATUS_LG", "2");
        AssertValue(o, "PRUNE_LG", "1");
        AssertValue(o, "SECOND_LG", "75");
        Assert.Contains("not pruning x: it still runs without holding its lock", o, StringComparison.Ordinal);
        string files = Value(o, "FILES");
        foreach (string f in new[] { "x.json", "x.pid", "y.json", "y.pid", "lg.json" })
            Assert.Contains(f, files, StringComparison.Ordinal);
        AssertValue(o, "SLEEPS", "3"); // x's, y's and lg's leftover: no second instance
    }

    [Fact]
    public void While_start_hands_the_lock_over_the_pid_file_never_names_the_start_process_and_the_state_says_starting()
    {
        // $! is the subshell that runs the tool: the start process is recognised by its command line.
        string o = Run("""
            isstart() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | grep -q ' start '; }
            for round in 1 2 3; do
              P start c$round -q -- sleep 300 & SP=$!
              while kill -0 $SP 2>/dev/null; do
                PF=$(cat "$DIR/c$round.pid" 2>/dev/null)
                [ -n "$PF" ] && isstart "$PF" && echo "PIDFILE_NAMED_START round $round"
                if [ ! -e "$ROOT/early$round.json" ] && cp "$DIR/c$round.json" "$ROOT/snap.json" 2>/dev/null; then
                  J=$(jsonint "$ROOT/snap.json" pid)
                  [ -n "$J" ] && isstart "$J" && cp "$ROOT/snap.json" "$ROOT/early$round.json"
                fi
              done
              wait $SP; echo "START$round=$?"
              if [ ! -e "$ROOT/early$round.json" ]; then echo "EARLY$round=missed"
              elif grep -q '"phase": "starting"' "$ROOT/early$round.json"; then echo "EARLY$round=starting"
              else echo "EARLY$round=other"; cat "$ROOT/early$round.json"; fi
            done
            """);
        Assert.DoesNotContain("PIDFILE_NAMED_START", o, StringComparison.Ordinal);
        Assert.DoesNotContain("=other", o, StringComparison.Ordinal);
        Assert.Contains("=starting", o, StringComparison.Ordinal); // the start's own record was seen at least once
        for (int round = 1; round <= 3; round++)
            AssertValue(o, $"START{round}", "0");
    }

    [Fact]
    public void A_supervisor_killed_during_start_fails_the_start_at_once_naming_it_and_stops_what_it_started()
    {
        Infrastructure.Prerequisite.RequireCommand("pgrep");
        string o = Run("""
            for round in 1 2 3 4 5; do
              DELAY=$(echo "0 0.01 0.02 0.04 0.06" | cut -d' ' -f$round)
              SECONDS=0
              P start k$round -q -- sleep 300 2> "$ROOT/err$round" & SP=$!
              SUP=
              while kill -0 $SP 2>/dev/null; do
                SUP=$(supervisor k$round 2>/dev/null)
                [ -n "$SUP" ] && tr '\0' ' ' < "/proc/$SUP/cmdline" 2>/dev/null | grep -q ' supervise ' && { sleep "$DELAY"; kill -9 "$SUP"; break; }
              done
              wait $SP; echo "START$round=$?"
              echo "TOOK$round=$SECONDS"
              echo "ERR$round=$(head -n 1 "$ROOT/err$round")"
              P stop k$round >/dev/null 2>&1
              P status k$round >/dev/null; echo "STATUS$round=$?"
            done
            echo "SLEEPS=$(pgrep -x sleep | wc -l)"
            """, TimeSpan.FromSeconds(240));
        // Killed before the start saw the adoption, the handoff fails naming the supervisor; after it, the start
        // must notice the supervisor's death itself; after the program ran, the start may have succeeded.
        for (int round = 1; round <= 5; round++)
        {
            string err = Value(o, $"ERR{round}");
            Assert.True(Value(o, $"START{round}") == "0" || err.Contains("supervisor", StringComparison.Ordinal), $"round {round}:\n{o}");
            Assert.DoesNotContain("exited during start", err, StringComparison.Ordinal);
            Assert.DoesNotContain("did not start within", err, StringComparison.Ordinal);
            Assert.True(int.Parse(Value(o, $"TOOK{round}"), System.Globalization.CultureInfo.InvariantCulture) < 15, $"round {round} took too long:\n{o}");
            AssertValue(o, $"STATUS{round}", "3");
        }
        AssertValue(o, "SLEEPS", "0");
    }

    [Fact]
    public void Stop_with_timeout_0_of_a_daemon_that_ignores_TERM_reports_the_kill_and_cleans_its_files()
    {
        string o = Run("""
            P start ig -q -- sh -c 'trap "" TERM; sleep 300 & wait'
            P stop ig --timeout 0 2>&1; echo "STOP=$?"
            P status ig; echo "AFTER=$?"
            echo "FILES=$(ls "$DIR" | grep -c -e '^ig.pid$' -e '^ig.json$')"
            P start pl -q -- sleep 300
            P stop pl --timeout 0 2>&1; echo "STOP_PLAIN=$?"
            P status pl; echo "AFTER_PLAIN=$?"
            echo "SLEEPS=$(pgrep -x sleep | wc -l)"
            """);
        AssertValue(o, "STOP", "0");
        Assert.Contains("killed ig", o, StringComparison.Ordinal);
        AssertValue(o, "AFTER", "3");
        AssertValue(o, "FILES", "0");
        AssertValue(o, "STOP_PLAIN", "0");
        AssertValue(o, "AFTER_PLAIN", "3");
        AssertValue(o, "SLEEPS", "0");
    }

    [Fact]
    public void A_stop_whose_instance_ended_never_signals_the_instance_started_after_it()
    {
        // Deterministic form of `stop c & restart c`: the stop is frozen (SIGSTOP) once it has sent TERM, the
        // instance ends, a new one starts (as a racing restart's start does), then the stop runs on. It must
        // end with the instance it pinned and never signal the new one (it used to KILL it after 10 s).
        string o = Run("""
            P start c -q -- sh -c 'trap "echo term >> \"$0/terms\"; sleep 1; exit 0" TERM; while :; do sleep 0.1; done' "$ROOT"
            SUP1=$(supervisor c)
            P stop c > "$ROOT/stop.out" 2>&1 & S=$!
            waitfor "$ROOT/terms" term
            A=$(pgrep -P $S); echo "A=$A"
            kill -STOP "$A"
            waituntil 10 gone "$SUP1"
            P start c -q -- sleep 300; echo "NEW=$?"
            NEWSUP=$(supervisor c); NEWPID=$(cat "$DIR/c.pid")
            kill -CONT "$A"
            wait $S; echo "STOP=$?"
            cat "$ROOT/stop.out"
            alive "$NEWPID" NEWPID; alive "$NEWSUP" NEWSUP
            P status c; echo "STATUS=$?"
            """);
        AssertValue(o, "NEW", "0");
        AssertValue(o, "STOP", "0");
        Assert.DoesNotContain("killed c", o, StringComparison.Ordinal);
        Assert.Contains("stopped c", o, StringComparison.Ordinal);
        Assert.Contains("ALIVE NEWPID", o, StringComparison.Ordinal);
        Assert.Contains("ALIVE NEWSUP", o, StringComparison.Ordinal);
        AssertValue(o, "STATUS", "0");
    }

    [Fact]
    public void A_session_member_that_left_the_group_and_closed_the_lock_is_ended_with_the_program_before_the_name_is_freed()
    {
        Infrastructure.Prerequisite.RequireCommand("python3");
        // The program forks a child that leaves its process group (setpgid, same session) and closes the lock
        // descriptor, then exits after 1 s: the supervisor must end the child (KillMode=control-group) first.
        string o = Run("""
            cat > "$ROOT/esc.py" <<'PY'
            import os, sys, time
            if os.fork() == 0:
                os.setpgid(0, 0)
                os.close(3)
                with open(sys.argv[2] + ".tmp", "w") as f:
                    f.write(str(os.getpid()))
                os.rename(sys.argv[2] + ".tmp", sys.argv[2])
                time.sleep(60)
                os._exit(0)
            time.sleep(float(sys.argv[1]))
            PY
            P start es -q -- python3 "$ROOT/esc.py" 1 "$ROOT/child"
            MAIN=$(cat "$DIR/es.pid")
            waituntil 10 test -s "$ROOT/child"
            CHILD=$(cat "$ROOT/child"); echo "CHILD=$CHILD"
            waituntil 10 gone "$MAIN"
            for i in $(seq 1 100); do gone "$CHILD" && break; sleep 0.1; done
            alive "$CHILD" CHILD
            waituntil 15 sh -c '! test -e "$0/es.json"' "$DIR"
            P status es; echo "STATUS=$?"
            """);
        Assert.Contains("DEAD CHILD", o, StringComparison.Ordinal);
        AssertValue(o, "STATUS", "3");
    }
}
