namespace PidGuard.Tests.Cli;

/// <summary>
/// The pid file names the supervised program, as every supervisor's does; signals sent to it by other
/// tools are the user's intent; restarts and give-ups show in status with non-zero exit codes.
/// </summary>
public class SupervisedProgramTests : CliScenario
{
    [Fact]
    public void The_pid_file_names_the_program_under_start_and_run()
    {
        string o = Run("""
            P start prog -- sleep 300
            echo "COMM=$(cat /proc/$(cat "$DIR/prog.pid")/comm)"
            echo "SUPCOMM=$(tr '\0' ' ' < /proc/$(supervisor prog)/cmdline | grep -c supervise)"
            P run fg -- sh -c 'for i in $(seq 1 500); do [ -s "$0" ] && break; sleep 0.02; done; echo "SELF=$$ FILE=$(cat "$0")"' "$DIR/fg.pid"
            """);
        AssertValue(o, "COMM", "sleep");
        AssertValue(o, "SUPCOMM", "1");
        var line = o.Split('\n').Single(l => l.StartsWith("SELF=", StringComparison.Ordinal)).Split(' ');
        Assert.Equal(line[0][5..], line[1][5..]);
    }

    [Fact]
    public void A_TERM_sent_straight_to_the_program_is_a_clean_stop_unless_the_policy_is_always()
    {
        string o = Run("""
            P start onf --restart on-failure -- sleep 300
            SUP=$(supervisor onf)
            kill -TERM "$(cat "$DIR/onf.pid")"
            waituntil 10 sh -c "! kill -0 $SUP"
            P status onf; echo "ONF=$?"
            P start alw --restart always -- sleep 300
            FIRST=$(cat "$DIR/alw.pid")
            kill -TERM "$FIRST"
            waituntil 10 sh -c "[ -s '$DIR/alw.pid' ] && [ \"\$(cat '$DIR/alw.pid')\" != $FIRST ]"
            P status alw; echo "ALW=$?"
            P stop alw > /dev/null
            """);
        AssertValue(o, "ONF", "3");
        AssertValue(o, "ALW", "0");
        Assert.Contains("1 restart", o, StringComparison.Ordinal);
    }

    [Fact]
    public void A_SIGKILL_of_the_program_is_a_failure_restarted_under_on_failure()
    {
        string o = Run("""
            P start kl --restart on-failure -- sleep 300
            FIRST=$(cat "$DIR/kl.pid")
            kill -KILL "$FIRST"
            waituntil 10 sh -c "[ -s '$DIR/kl.pid' ] && [ \"\$(cat '$DIR/kl.pid')\" != $FIRST ]"
            P status kl --json > "$ROOT/kl.json"; echo "STATUS=$?"
            cat "$ROOT/kl.json"
            P stop kl > /dev/null
            """);
        AssertValue(o, "STATUS", "0");
        Assert.Contains("\"signal\": 9", o, StringComparison.Ordinal);
        Assert.Contains("\"restarts\": 1", o, StringComparison.Ordinal);
    }

    [Fact]
    public void While_the_program_is_down_between_restarts_status_says_restarting_and_exits_2()
    {
        string o = Run("""
            # The first run outlives the start (a crash on the first exit fails the start itself).
            P start flap --restart always -- sh -c '[ -e "$0" ] || { touch "$0"; sleep 0.5; }; sleep 0.2; exit 3' "$ROOT/ran"
            # Its runs last 0.2 s and the pauses between them grow (0.1, 0.2, 0.4 s ...): look until one is caught twice.
            for i in $(seq 1 100); do
              P status flap > "$ROOT/flap.txt"; TEXT=$?; P status flap --json > "$ROOT/flap.json"; JSON=$?
              [ $TEXT = 2 ] && [ $JSON = 2 ] && grep -q "next try in" "$ROOT/flap.txt" && grep -q nextRestartAt "$ROOT/flap.json" && break
            done
            cat "$ROOT/flap.txt"; echo "STATUS=$TEXT"
            cat "$ROOT/flap.json"
            P stop flap; echo "STOP=$?"
            """);
        AssertValue(o, "STATUS", "2");
        Assert.Matches(@"flap is restarting \(last exit: code 3, \d+ restarts?, next try in [^)]+\), supervisor PID \d+", o);
        Assert.Contains("\"state\": \"restarting\"", o, StringComparison.Ordinal);
        Assert.Contains("\"nextRestartAt\"", o, StringComparison.Ordinal);
        Assert.Contains("\"lsb\": 2", o, StringComparison.Ordinal);
        AssertValue(o, "STOP", "0");
    }

    [Fact]
    public void Max_restarts_gives_up_and_status_says_failed()
    {
        string o = Run("""
            # The first run outlives the start (a crash on the first exit fails the start itself), then every run fails.
            P start bad --restart always --max-restarts 2 --restart-window 60 -- sh -c '[ -e "$0" ] && exit 4; touch "$0"; sleep 0.5; exit 4' "$ROOT/ran"
            waituntil 20 sh -c "! grep -q '\"phase\": \"r' '$DIR/bad.json' && grep -q '\"phase\": \"failed\"' '$DIR/bad.json'"
            sleep 0.2
            P status bad; echo "STATUS=$?"
            P status bad --json > "$ROOT/bad.json"
            cat "$ROOT/bad.json"
            P logs bad -n 20
            P start bad -- sleep 300; echo "AGAIN=$?"
            """);
        AssertValue(o, "STATUS", "1");
        Assert.Contains("bad has failed: its supervisor gave up after 2 restarts", o, StringComparison.Ordinal);
        Assert.Contains("\"state\": \"failed\"", o, StringComparison.Ordinal);
        Assert.Contains("giving up: 2 restarts within", o, StringComparison.Ordinal);
        AssertValue(o, "AGAIN", "0");
    }
}
