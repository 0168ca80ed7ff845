using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Cli;

/// <summary>The supervisor writes the program's log through a pipe: rotation, follow, reopen, copytruncate, pipe semantics.</summary>
public class LogTests : CliScenario
{
    [Fact]
    public void A_fast_writer_is_rotated_by_size_without_a_lost_or_torn_line()
    {
        string o = Run("""
            P start fast --log-max-size 64K --log-keep 3 -- sh -c 'seq -f "line %06g of the fast writer, padded to be a little longer" 1 40000; sleep 300'
            waitfor "$DIR/fast.log" 'line 040000'
            ls "$DIR" | grep fast.log | sort | tr '\n' ' '; echo
            echo "BIGGEST=$(stat -c %s "$DIR"/fast.log* | sort -n | tail -n 1)"
            cat "$DIR/fast.log.3" "$DIR/fast.log.2" "$DIR/fast.log.1" "$DIR/fast.log" | grep -v ' pidguard: ' > "$ROOT/all"
            echo "TORN=$(grep -cv '^line [0-9]\{6\} of the fast writer, padded to be a little longer$' "$ROOT/all")"
            first=$(head -n 1 "$ROOT/all" | cut -c6-11)
            echo "GAPS=$(awk -v f="$first" '{ n = substr($0, 6, 6) + 0; if (n != f + NR - 1) { print; exit } }' "$ROOT/all" | wc -l)"
            echo "LAST=$(tail -n 1 "$ROOT/all" | cut -c6-11)"
            grep ' pidguard: fast: starting' "$DIR"/fast.log* | head -n 1
            """);
        Assert.Contains("fast.log fast.log.1 fast.log.2 fast.log.3 \n", o, StringComparison.Ordinal);
        Assert.True(int.Parse(Value(o, "BIGGEST")) <= 64 * 1024, o);
        Assert.Equal("0", Value(o, "TORN"));
        Assert.Equal("0", Value(o, "GAPS"));
        Assert.Equal("040000", Value(o, "LAST"));
    }

    [Fact]
    public void Supervisor_lines_carry_a_timestamp_and_logs_follow_goes_across_rotations()
    {
        string o = Run("""
            P start rot --log-max-size 2K --log-keep 50 -- sh -c 'echo ready; while [ ! -e "$1" ]; do sleep 0.05; done; i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo "entry $i padded out to about forty-five bytes"; [ $((i % 50)) = 0 ] && sleep 0.3; done; sleep 300' sh "$ROOT/go"
            waitfor "$DIR/rot.log" '^ready'
            P logs rot -f -n 1 > "$ROOT/followed" &
            FOLLOWER=$!
            waitfor "$ROOT/followed" '^ready'
            touch "$ROOT/go"
            waitfor "$DIR/rot.log" 'entry 400'
            sleep 0.6
            kill $FOLLOWER
            echo "FOLLOWED=$(grep -c '^entry' "$ROOT/followed")"
            echo "IN_ORDER=$(grep '^entry' "$ROOT/followed" | awk '{ if ($2 != NR) { print "bad"; exit } }' | wc -l)"
            echo "ROTATED=$(ls "$DIR" | grep -c 'rot.log.')"
            grep -h ' pidguard: rot: ' "$DIR"/rot.log* | head -n 1
            """);
        Assert.Equal("400", Value(o, "FOLLOWED"));
        Assert.Equal("0", Value(o, "IN_ORDER"));
        Assert.True(int.Parse(Value(o, "ROTATED")) >= 3, o);
        Assert.Matches(@"\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d pidguard: rot: starting sh -c ", o);
    }

    [Fact]
    public void Copytruncate_and_logrotate_create_mode_with_reopen_keep_working()
    {
        string o = Run("""
            P start lr -- sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.02; done'
            waitfor "$DIR/lr.log" 'tick 20'
            cp "$DIR/lr.log" "$ROOT/copy"; : > "$DIR/lr.log"
            sleep 0.5
            echo "NULS=$(tr -cd '\0' < "$DIR/lr.log" | wc -c)"
            echo "HEAD_IS_TICK=$(head -c 4 "$DIR/lr.log")"
            mv "$DIR/lr.log" "$ROOT/lr.log.old"
            P logs lr --reopen; echo "REOPEN=$?"
            waituntil 10 test -s "$DIR/lr.log"
            waitfor "$DIR/lr.log" tick
            n1=$(wc -l < "$ROOT/lr.log.old"); sleep 0.3; n2=$(wc -l < "$ROOT/lr.log.old")
            echo "OLD_STILL_GROWS=$([ "$n2" -gt "$n1" ] && echo yes || echo no)"
            P logs nothere --reopen 2>&1; echo "NOT_RUNNING=$?"
            """);
        Assert.Equal("0", Value(o, "NULS"));
        Assert.Equal("tick", Value(o, "HEAD_IS_TICK"));
        Assert.Equal("0", Value(o, "REOPEN"));
        Assert.Equal("no", Value(o, "OLD_STILL_GROWS"));
        Assert.Equal("3", Value(o, "NOT_RUNNING"));
    }

    [Fact]
    public void Create_mode_rotation_is_noticed_without_reopen()
    {
        string o = Run("""
            P start cm -- sh -c 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.05; done'
            waitfor "$DIR/cm.log" 'tick 5'
            mv "$DIR/cm.log" "$ROOT/cm.log.1"
            waituntil 10 test -s "$DIR/cm.log"
            echo "NEW=$(head -c 4 "$DIR/cm.log")"
            """);
        Assert.Equal("tick", Value(o, "NEW"));
    }

    [Fact]
    public void A_failed_start_prints_only_its_own_log_lines()
    {
        string o = Run("""
            P start once -- sh -c 'echo first-run-line; sleep 300'
            waitfor "$DIR/once.log" first-run-line
            P stop once >/dev/null
            P start once -- sh -c 'echo second-run-line; exit 5' 2>"$ROOT/err"; echo "CODE=$?"
            cat "$ROOT/err"
            """);
        Assert.Equal("1", Value(o, "CODE"));
        Assert.Contains("second-run-line", o, StringComparison.Ordinal);
        Assert.DoesNotContain("first-run-line", o, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pipe_never_holds_the_name_nor_blocks_the_program_when_the_supervisor_dies()
    {
        string o = Run("""
            # A background process that escaped the daemon (own session, lock closed) keeps the pipe open:
            P start esc -- sh -c 'setsid sh -c "exec 3>&-; sleep 300" & echo main-done'
            for i in $(seq 100); do P status esc >/dev/null; s=$?; [ $s = 3 ] || [ $s = 1 ] && break; sleep 0.1; done
            P status esc; echo "ESCAPED=$?"
            P start esc -- sleep 300 >/dev/null; echo "AGAIN=$?"
            P stop esc >/dev/null
            # The supervisor is SIGKILLed: the program's next write gets SIGPIPE instead of blocking.
            P start writer -- sh -c 'while :; do echo still-writing; sleep 0.1; done'
            PROGRAM=$(cat "$DIR/writer.pid")
            kill -KILL "$(supervisor writer)"
            for i in $(seq 100); do kill -0 "$PROGRAM" 2>/dev/null || break; sleep 0.1; done
            alive "$PROGRAM" writer
            P status writer; echo "WRITER=$?"
            """);
        Assert.NotEqual("0", Value(o, "ESCAPED"));
        Assert.NotEqual("2", Value(o, "ESCAPED"));
        Assert.Equal("0", Value(o, "AGAIN"));
        Assert.Contains("DEAD writer", o, StringComparison.Ordinal);
        Assert.NotEqual("0", Value(o, "WRITER"));
    }

    [Fact]
    public void A_full_disk_drops_output_without_blocking_the_program_and_reports_the_loss()
    {
        Prerequisite.Require(Environment.UserName == "root", "mounting a small tmpfs needs root");
        string o = Run("""
            mkdir "$ROOT/small" && mount -t tmpfs -o size=64k tmpfs "$ROOT/small"
            P start full --log "$ROOT/small/full.log" -- sh -c 'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); echo "line $i filling the small disk quickly"; done; touch "$0"; sleep 300' "$ROOT/done"
            waituntil 20 test -e "$ROOT/done"
            P status full; echo "RUNNING=$?"
            : > "$ROOT/small/full.log"
            P signal full CONT >/dev/null
            P stop full >/dev/null; echo "STOP=$?"
            cat "$ROOT/small/full.log"
            umount "$ROOT/small"
            """);
        Assert.Equal("0", Value(o, "RUNNING"));
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Matches(@"pidguard: \d+ bytes of output were lost: .*No space left on device", o);
    }

    [Fact]
    public void A_failed_rotation_is_logged_once_and_writing_goes_on_to_the_current_file()
    {
        string o = Run("""
            mkdir -p "$DIR/r.log.1/x"
            P start r -q --log-max-size 4K -- sh -c 'echo ready; while [ ! -e "$1" ]; do sleep 0.05; done; seq -f "line %03g padded to about forty bytes long" 1 400' sh "$ROOT/go"
            waitfor "$DIR/r.log" '^ready'
            SUP=$(supervisor r)
            touch "$ROOT/go"
            for i in $(seq 200); do gone "$SUP" && break; sleep 0.1; done
            alive "$SUP" supervisor
            P status r; echo "STATUS=$?"
            echo "LINES=$(grep -c '^line [0-9]* padded' "$DIR/r.log")"
            echo "ROTATE_NOTES=$(grep -c 'pidguard: cannot rotate .*r.log' "$DIR/r.log")"
            grep 'cannot rotate' "$DIR/r.log"
            grep 'exited: code 0' "$DIR/r.log"
            """);
        Assert.Contains("DEAD supervisor", o, StringComparison.Ordinal);
        Assert.Equal("3", Value(o, "STATUS"));
        Assert.Equal("400", Value(o, "LINES"));
        Assert.Equal("1", Value(o, "ROTATE_NOTES"));
        Assert.Contains("exited: code 0", o, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symbolic_link_at_the_log_path_is_refused_by_start_and_never_followed_by_logs()
    {
        string o = Run("""
            mkdir -m 700 "$DIR"
            echo secret-target-line > "$ROOT/target"
            ln -s "$ROOT/target" "$DIR/c.log"
            P start c -- sleep 300; echo "DEFAULT_LOG=$?"
            P status c >/dev/null; echo "C_STATUS=$?"
            ln -s "$ROOT/target" "$ROOT/link.log"
            P start d --log "$ROOT/link.log" -- sleep 300; echo "LOG_OPTION=$?"
            P start e -- sleep 300 >/dev/null
            rm "$DIR/e.log"; ln -s "$ROOT/target" "$DIR/e.log"
            P logs e; echo "LOGS=$?"
            """);
        AssertValue(o, "DEFAULT_LOG", "1");
        AssertValue(o, "C_STATUS", "3");
        AssertValue(o, "LOG_OPTION", "1");
        AssertValue(o, "LOGS", "1");
        Assert.Contains("c.log' is a symbolic link", o, StringComparison.Ordinal);
        Assert.Contains("link.log' is a symbolic link", o, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-target-line", o, StringComparison.Ordinal);
    }

    [Fact]
    public void The_log_is_0644_less_the_umask_and_restart_replays_the_callers_umask()
    {
        string o = Run("""
            P start a -q --umask 077 -- sleep 300
            echo "OPTION_MODE=$(stat -c %a "$DIR/a.log")"
            (umask 027; P start b -q -- sh -c 'echo "UMASK_$(umask)"; sleep 300')
            echo "CALLER_MODE=$(stat -c %a "$DIR/b.log")"
            waitfor "$DIR/b.log" '^UMASK_'
            P restart b -q
            waituntil 10 sh -c "[ \$(grep -c '^UMASK_' '$DIR/b.log') -ge 2 ]"
            grep '^UMASK_' "$DIR/b.log" | sort -u | tr '\n' ' ' | sed 's/^/UMASKS=/'; echo
            """);
        AssertValue(o, "OPTION_MODE", "600");
        AssertValue(o, "CALLER_MODE", "640");
        AssertValue(o, "UMASKS", "UMASK_0027 ");
    }

    [Fact]
    public void Logs_follow_prints_every_file_of_a_very_fast_rotation_in_order()
    {
        string o = Run("""
            P start fw -q --log-max-size 64K --log-keep 1000 -- sh -c 'echo ready; while [ ! -e "$1" ]; do sleep 0.05; done; seq -f "line %07g padded out to be a little longer than before" 1 150000; sleep 300' sh "$ROOT/go"
            waitfor "$DIR/fw.log" '^ready'
            P logs fw -f -n 1 > "$ROOT/followed" &
            FOLLOWER=$!
            waitfor "$ROOT/followed" '^ready'
            touch "$ROOT/go"
            waitfor "$ROOT/followed" 'line 0150000'
            kill $FOLLOWER
            grep '^line ' "$ROOT/followed" > "$ROOT/lines"
            echo "FOLLOWED=$(wc -l < "$ROOT/lines")"
            echo "GAPS=$(awk '{ n = substr($0, 6, 7) + 0; if (n != NR) { print; exit } }' "$ROOT/lines" | wc -l)"
            awk '{ n = substr($0, 6, 7) + 0; if (n != NR) { print "FIRST_GAP_AT", NR, $0; exit } }' "$ROOT/lines"
            """);
        AssertValue(o, "FOLLOWED", "150000");
        AssertValue(o, "GAPS", "0");
    }

    [Fact]
    public void Log_options_are_checked()
    {
        string o = Run("""
            for v in 0 -5 10X abc ''; do P start b --log-max-size "$v" -- true 2>/dev/null; echo "SIZE_$v=$?"; done
            P start b --log-keep 0 -- true 2>/dev/null; echo "KEEP=$?"
            P start ok --log-max-size 1.5M --log-keep 1 -- sleep 300; echo "OK=$?"
            """);
        foreach (string v in new[] { "0", "-5", "10X", "abc", "" })
            Assert.True(Value(o, "SIZE_" + v) == "2", $"--log-max-size '{v}':\n{o}");
        Assert.Equal("2", Value(o, "KEEP"));
        Assert.Equal("0", Value(o, "OK"));
    }
}
