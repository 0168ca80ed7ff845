namespace PidGuard.Tests.Cli;

/// <summary>
/// "The name is held exactly as long as any process of the daemon lives, and the pid file names the
/// program": each test is one way that guarantee broke (issue 8), run with the real tool in a PID namespace.
/// </summary>
public class LifecycleGuaranteeTests : CliScenario
{
    [Fact]
    public void Background_descendants_are_ended_with_the_program_on_stop_on_exit_and_under_run()
    {
        Infrastructure.Prerequisite.RequireCommand("pgrep");
        string o = Run("""
            P start esc -- sh -c 'sleep 300 & sleep 301'
            P stop esc; echo "STOP=$?"
            P status esc; echo "AFTER_STOP=$?"
            echo "LEFT_STOP=$(nproc_named sleep)"
            P start quits -- sh -c 'sleep 302 & sleep 0.3; exit 0'
            waituntil 10 test ! -e "$DIR/quits.json"
            P status quits; echo "AFTER_EXIT=$?"
            echo "LEFT_EXIT=$(nproc_named sleep)"
            P run rn -- sh -c 'sleep 305 & exit 0'; echo "RUN=$?"
            P status rn; echo "AFTER_RUN=$?"
            echo "LEFT_RUN=$(nproc_named sleep)"
            P start esc -- sleep 300; echo "AGAIN=$?"
            echo "SLEEPS=$(nproc_named sleep)"
            """);
        AssertValue(o, "STOP", "0");
        foreach (string key in new[] { "AFTER_STOP", "AFTER_EXIT", "AFTER_RUN" })
            Assert.True(Value(o, key) == "3", $"{key}={Value(o, key)}:\n{o}");
        foreach (string key in new[] { "LEFT_STOP", "LEFT_EXIT", "LEFT_RUN" })
            Assert.True(Value(o, key) == "0", $"{key}={Value(o, key)} sleeps outlived the daemon:\n{o}");
        AssertValue(o, "RUN", "0");
        AssertValue(o, "AGAIN", "0");
        AssertValue(o, "SLEEPS", "1");
        Assert.Contains("ended 1 leftover process", o, StringComparison.Ordinal);
    }

    [Fact]
    public void A_leftover_that_escaped_the_group_keeps_the_name_held_is_shown_and_is_ended_by_stop()
    {
        // The program's child leaves the group (setsid) but keeps the inherited lock; then the supervisor and the
        // program are SIGKILLed, so nobody ends the leftover: the name must stay held, status must name it, stop must end it.
        string o = Run("""
            P start esc -- sh -c 'setsid sleep 306 & exec sleep 307'
            waituntil 10 pgrep -x sleep -c
            waituntil 10 sh -c '[ "$(pgrep -x sleep | wc -l)" = 2 ]'
            LEFTOVER=$(pgrep -fx 'sleep 306'); echo "LEFTOVER=$LEFTOVER"
            kill -9 "$(supervisor esc)" "$(cat "$DIR/esc.pid")"
            waituntil 10 sh -c '[ "$(pgrep -x sleep | wc -l)" = 1 ]'
            P status esc; echo "STATUS=$?"
            P status esc --json > "$ROOT/s.json"
            P start esc -- sleep 300 2> "$ROOT/start.err"; echo "START=$?"; cat "$ROOT/start.err"
            P stop esc; echo "STOP=$?"
            P status esc; echo "AFTER=$?"
            alive "$LEFTOVER" LEFTOVER
            cat "$ROOT/s.json"
            """);
        string leftover = Value(o, "LEFTOVER");
        AssertValue(o, "STATUS", "2");
        Assert.Contains($"esc is lingering: the main process (PID", o, StringComparison.Ordinal);
        Assert.Contains($"still holds the lock: PID {leftover}", o, StringComparison.Ordinal);
        Assert.Contains("\"state\": \"lingering\"", o, StringComparison.Ordinal);
        AssertValue(o, "START", "75");
        Assert.Contains($"Daemon already running (PID: {leftover})", o, StringComparison.Ordinal);
        AssertValue(o, "STOP", "0");
        AssertValue(o, "AFTER", "3");
        Assert.Contains("DEAD LEFTOVER", o, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_start_stops_what_it_started_and_leaves_the_name_free()
    {
        string o = Run("""
            P start mute --wait-ready 1 -- sleep 300 2> "$ROOT/mute.err"; echo "MUTE=$?"
            cat "$ROOT/mute.err"
            P status mute; echo "STATUS=$?"
            echo "SLEEPS=$(nproc_named sleep)"
            P start mute -- sleep 300; echo "AGAIN=$?"
            """);
        AssertValue(o, "MUTE", "1");
        Assert.Contains("did not report READY=1 within 1 s; stopped it (TERM) and freed the name", o, StringComparison.Ordinal);
        AssertValue(o, "STATUS", "3");
        AssertValue(o, "SLEEPS", "0");
        AssertValue(o, "AGAIN", "0");
    }

    [Fact]
    public void A_command_line_over_64_KiB_is_recorded_so_that_status_and_stop_work()
    {
        string o = Run("""
            BIG=$(head -c 100000 /dev/zero | tr '\0' x)
            P start big -- sh -c 'sleep 300' "$BIG"; echo "START=$?"
            P status big; echo "STATUS=$?"
            P stop big; echo "STOP=$?"
            echo "SLEEPS=$(nproc_named sleep)"
            """);
        AssertValue(o, "START", "0");
        AssertValue(o, "STATUS", "0");
        AssertValue(o, "STOP", "0");
        AssertValue(o, "SLEEPS", "0");
    }

    [Fact]
    public void The_supervisor_survives_a_read_only_or_full_runtime_directory_and_keeps_supervising()
    {
        Infrastructure.Prerequisite.RequireRoot("mounting a tmpfs");
        // ro: the program restarts every 0.2 s while the directory is read-only (every restart writes the files).
        // full: the program reports its status 20 times a second while the tmpfs is full.
        string o = Run($$"""
            P start ro --log "$ROOT/ro.log" --restart always -- sh -c '[ -e "$0" ] || { touch "$0"; sleep 0.5; }; sleep 0.2; exit 1' "$ROOT/ran"; echo "START_RO=$?"
            RO=$(supervisor ro)
            mount --bind "$DIR" "$DIR"; mount -o remount,bind,ro "$DIR"
            sleep 2
            alive "$RO" RO_DURING
            umount "$DIR"
            sleep 2
            P status ro; echo "STATUS_RO=$?"
            P stop ro; echo "STOP_RO=$?"
            echo "RO_COMPLAINTS=$(grep -c 'Read-only file system' "$ROOT/ro.log")"
            mkdir "$ROOT/small"; mount -t tmpfs -o size=256k,mode=0755 tmpfs "$ROOT/small"
            export PIDGUARD_RUNTIME_DIR="$ROOT/small/run"; DIR="$PIDGUARD_RUNTIME_DIR"
            P start full --log "$ROOT/full.log" -- {{HostCommand}} notify 'STATUS=step {i}' --repeat 100000 --every 50; echo "START_FULL=$?"
            FULL=$(supervisor full)
            dd if=/dev/zero of="$ROOT/small/filler" bs=1k 2>/dev/null
            sleep 2
            alive "$FULL" FULL_DURING
            rm "$ROOT/small/filler"
            sleep 1
            P status full; echo "STATUS_FULL=$?"
            P stop full; echo "STOP_FULL=$?"
            echo "FULL_COMPLAINTS=$(grep -c 'No space left on device' "$ROOT/full.log")"
            """);
        AssertValue(o, "START_RO", "0");
        Assert.Contains("ALIVE RO_DURING", o, StringComparison.Ordinal);
        Assert.True(Value(o, "STATUS_RO") is "0" or "2", o); // running, or between two of its runs
        AssertValue(o, "STOP_RO", "0");
        Assert.NotEqual("0", Value(o, "RO_COMPLAINTS")); // the directory really was read-only, and it was logged
        AssertValue(o, "START_FULL", "0");
        Assert.Contains("ALIVE FULL_DURING", o, StringComparison.Ordinal);
        AssertValue(o, "STATUS_FULL", "0");
        AssertValue(o, "STOP_FULL", "0");
        Assert.NotEqual("0", Value(o, "FULL_COMPLAINTS"));
    }

    private static string HostCommand => $"'{Infrastructure.ChildProcess.Dotnet}' '{Infrastructure.ChildProcess.HostDll}'";

    [Fact]
    public void Only_0_1_2_and_the_lock_reach_the_program_so_a_caller_pipe_is_not_held_open()
    {
        string o = Run("""
            exec 7>"$ROOT/caller-fd"
            T0=$(date +%s%N)
            OUT=$(P start pipe -- sleep 5)
            T1=$(date +%s%N)
            echo "WAITED_MS=$(( (T1 - T0) / 1000000 ))"
            echo "FDS=$(ls /proc/$(cat "$DIR/pipe.pid")/fd | sort -n | tr '\n' ' ')"
            echo "SUPERVISOR_FDS=$(ls /proc/$(supervisor pipe)/fd | wc -l)"
            ls -l /proc/$(supervisor pipe)/fd | grep -c caller-fd || true
            """);
        Assert.True(int.Parse(Value(o, "WAITED_MS"), System.Globalization.CultureInfo.InvariantCulture) < 4000, o);
        AssertValue(o, "FDS", "0 1 2 3 ");
        Assert.DoesNotContain("caller-fd\n", o.Split("SUPERVISOR_FDS")[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Status_stop_and_list_do_not_hang_on_a_FIFO_and_check_the_runtime_directory()
    {
        string o = Run("""
            mkdir -m 700 "$DIR"; mkfifo "$DIR/fifo.lock"; mkfifo "$DIR/fifo2.pid"
            PT status fifo; echo "STATUS=$?"
            PT stop fifo; echo "STOP=$?"
            PT status fifo2; echo "STATUS2=$?"
            PT list > /dev/null; echo "LIST=$?"
            chmod 777 "$DIR"
            PT status anything 2>&1; echo "WRITABLE=$?"
            chmod 700 "$DIR"; chown 65534 "$DIR"
            PT status anything 2>&1; echo "FOREIGN=$?"
            chown 0 "$DIR"; mv "$DIR" "$DIR.real"; ln -s "$DIR.real" "$DIR"
            PT status anything 2>&1; echo "SYMLINK=$?"
            """);
        AssertValue(o, "STATUS", "4");
        AssertValue(o, "STOP", "1");
        AssertValue(o, "STATUS2", "4");
        AssertValue(o, "LIST", "0");
        AssertValue(o, "WRITABLE", "4");
        Assert.Contains("group- or world-writable", o, StringComparison.Ordinal);
        AssertValue(o, "SYMLINK", "4");
        Assert.Contains("is a symbolic link", o, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stop_sent_while_the_supervisor_restarts_the_program_is_never_lost()
    {
        // Each daemon's first run exits at once; the restart (after 100 ms) runs for good. A PATH of 10,000 missing
        // directories makes starting the program take tens of milliseconds, and TERM is sent to the supervisor at
        // steps through that restart: whether it lands in the backoff, during the spawn or after, the supervisor
        // must pass it on and exit (it used to lose a TERM that came between the spawn and its signal forwarding).
        string o = Run("""
            SLOW=$(for i in $(seq 1 10000); do printf '/x%d:' $i; done)/usr/local/bin:/usr/bin:/bin
            for i in $(seq 1 16); do
              PATH="$SLOW" P start r$i --restart always -- sh -c 'if [ -s "$0" ]; then exec sleep 300; fi; date +%s%N > "$0"; exit 1' "$ROOT/ran.$i" > /dev/null 2>&1 &
              waituntil 30 test -s "$ROOT/ran.$i"
              SUP=$(pgrep -f "supervise --name r$i ")
              # TERM lands 90 to 165 ms after the first run ended: around the restart due at 100 ms.
              WAIT_US=$(( ($(cat "$ROOT/ran.$i") + (85 + 5 * i) * 1000000 - $(date +%s%N)) / 1000 ))
              [ "$WAIT_US" -gt 0 ] && sleep "$(printf '0.%06d' "$WAIT_US")"
              kill -TERM "$SUP"
              for t in $(seq 1 100); do kill -0 "$SUP" 2>/dev/null || break; sleep 0.05; done
              if kill -0 "$SUP" 2>/dev/null; then echo "LOST r$i"; kill -9 "$SUP"; else echo "ENDED r$i"; fi
            done
            pkill -9 -x sleep; wait
            """);
        Assert.True(o.Split('\n').Count(l => l.StartsWith("ENDED r", StringComparison.Ordinal)) == 16, o);
    }

    [Fact]
    public void A_long_runtime_directory_and_a_64_character_name_still_get_readiness()
    {
        string name = new('n', 64);
        string o = Run($"""
            export PIDGUARD_RUNTIME_DIR="$ROOT/{new string('d', 90)}/{new string('e', 90)}"
            mkdir -p "$(dirname "$PIDGUARD_RUNTIME_DIR")"
            P start {name} --wait-ready 20 -- '{Infrastructure.ChildProcess.Dotnet}' '{Infrastructure.ChildProcess.HostDll}' notify READY=1 --then-sleep 300000; echo "START=$?"
            P status {name}; echo "STATUS=$?"
            P stop {name}; echo "STOP=$?"
            """);
        AssertValue(o, "START", "0");
        Assert.Contains(", ready", o, StringComparison.Ordinal);
        AssertValue(o, "STATUS", "0");
        AssertValue(o, "STOP", "0");
    }

    [Fact]
    public void Numbers_out_of_range_are_usage_errors()
    {
        string o = Run("""
            P stop x --timeout 1e300 2> "$ROOT/e1"; echo "TIMEOUT=$?"
            P run x --wait Infinity -- true 2> "$ROOT/e2"; echo "WAIT=$?"
            P start x --wait-ready 1e300 -- true 2> "$ROOT/e3"; echo "READY=$?"
            P start x --restart-window -5 --max-restarts 3 -- true 2> "$ROOT/e4"; echo "WINDOW=$?"
            P stop x --timeout NaN 2> "$ROOT/e5"; echo "NAN=$?"
            cat "$ROOT"/e*
            """);
        foreach (string key in new[] { "TIMEOUT", "WAIT", "READY", "WINDOW", "NAN" })
            Assert.True(Value(o, key) == "2", $"{key} exited {Value(o, key)}:\n{o}");
        Assert.Contains("--timeout 1E+300 must be a number of seconds", o, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", o, StringComparison.Ordinal); // no stack trace
    }
}
