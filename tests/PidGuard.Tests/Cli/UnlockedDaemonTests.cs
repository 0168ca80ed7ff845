namespace PidGuard.Tests.Cli;

/// <summary>
/// A daemon that runs without holding the lock at its path keeps its name: its supervisor was killed
/// after the program closed descriptor 3, or the lock file was removed or replaced while it ran.
/// </summary>
public class UnlockedDaemonTests : CliScenario
{
    [Fact]
    public void A_program_that_closed_its_lock_keeps_the_name_after_its_supervisor_is_killed_and_is_never_signalled_unproven()
    {
        string o = Run("""
            P start closer -- sh -c 'exec 3>&-; exec sleep 300'
            waitfor "$DIR/closer.json" '"phase": "running"'
            MAIN=$(cat "$DIR/closer.pid"); SUP=$(supervisor closer)
            kill -9 "$SUP"; waituntil 10 sh -c "! kill -0 $SUP"
            P status closer; echo "STATUS=$?"
            P start closer -- sleep 1 2>"$ROOT/err"; echo "START=$?"
            echo "ERR=$(cat "$ROOT/err")"
            P stop closer --retry TERM/1/KILL/1 2>/dev/null; echo "STOP=$?"
            alive "$MAIN" MAIN
            kill "$MAIN"; waituntil 10 sh -c "! kill -0 $MAIN"
            P start closer -- sleep 300; echo "AFTER=$?"
            P stop closer >/dev/null; echo "STOPPED=$?"
            """);
        Assert.Equal("0", Value(o, "STATUS"));            // running, and the name is not free ...
        Assert.Equal("75", Value(o, "START"));            // ... so no second instance starts
        Assert.Contains("still runs but no longer holds the lock", Value(o, "ERR"), StringComparison.Ordinal);
        Assert.NotEqual("0", Value(o, "STOP"));           // not proven by the kernel: never signalled
        Assert.Contains("ALIVE MAIN", o, StringComparison.Ordinal);
        Assert.Equal("0", Value(o, "AFTER"));
        Assert.Equal("0", Value(o, "STOPPED"));
    }

    [Fact]
    public void What_is_left_of_the_session_keeps_the_name_after_the_supervisor_and_the_main_process_died_and_stop_ends_it()
    {
        string o = Run("""
            P start orph -- sh -c '( exec 3>&-; exec sleep 301 ) & echo $! > "$0/child"; while [ ! -e "$0/go" ]; do sleep 0.05; done' "$ROOT"
            waitfor "$DIR/orph.json" '"phase": "running"'
            waituntil 10 test -s "$ROOT/child"
            MAIN=$(cat "$DIR/orph.pid"); SUP=$(supervisor orph); CHILD=$(cat "$ROOT/child")
            kill -9 "$SUP"; touch "$ROOT/go"
            waituntil 10 sh -c "! grep -qv '^[0-9]* (.*) Z' /proc/$MAIN/stat"
            P status orph; echo "STATUS=$?"
            P start orph -- sleep 1 2>"$ROOT/err"; echo "START=$?"
            echo "ERR=$(cat "$ROOT/err")"
            P stop orph; echo "STOP=$?"
            alive "$CHILD" CHILD
            P start orph -- sleep 300; echo "AFTER=$?"
            P stop orph >/dev/null
            """);
        Assert.Equal("2", Value(o, "STATUS"));            // lingering: the main program is gone, the name is held
        Assert.Equal("75", Value(o, "START"));
        Assert.Contains("processes of its session still run", Value(o, "ERR"), StringComparison.Ordinal);
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Contains("DEAD CHILD", o, StringComparison.Ordinal);
        Assert.Equal("0", Value(o, "AFTER"));
    }

    [Theory]
    [InlineData("rm \"$DIR/d.lock\"")]
    [InlineData("rm \"$DIR/d.lock\"; : > \"$DIR/d.lock\"; chmod 600 \"$DIR/d.lock\"")]
    public void A_lock_file_removed_or_replaced_under_a_running_daemon_neither_frees_the_name_nor_loses_the_daemon(string tamper)
    {
        string o = Run($$"""
            P start d -- sleep 300
            waitfor "$DIR/d.json" '"phase": "running"'
            MAIN=$(cat "$DIR/d.pid")
            {{tamper}}
            P status d; echo "STATUS=$?"
            P start d -- sleep 1 2>"$ROOT/err"; echo "START=$?"
            echo "ERR=$(cat "$ROOT/err")"
            P stop d; echo "STOP=$?"
            alive "$MAIN" MAIN
            P status d >/dev/null; echo "AFTER=$?"
            P start d -- sleep 300; echo "RESTART=$?"
            P stop d >/dev/null
            """);
        Assert.Equal("0", Value(o, "STATUS"));
        Assert.Equal("75", Value(o, "START"));
        Assert.Contains("PID", Value(o, "ERR"), StringComparison.Ordinal);
        Assert.Equal("0", Value(o, "STOP"));              // the daemon still holds the lock file it was started with: proven, stopped
        Assert.Contains("DEAD MAIN", o, StringComparison.Ordinal);
        Assert.Equal("3", Value(o, "AFTER"));
        Assert.Equal("0", Value(o, "RESTART"));
    }

    [Fact]
    public void A_stopped_supervisor_is_woken_so_stop_ends_the_daemon_with_TERM_not_KILL()
    {
        string o = Run("""
            P start frozen -- sh -c 'trap "exit 0" TERM; while :; do sleep 0.05; done'
            waitfor "$DIR/frozen.json" '"phase": "running"'
            SUP=$(supervisor frozen)
            kill -STOP "$SUP"
            P stop frozen --retry TERM/10/KILL/5; echo "STOP=$?"
            """);
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Contains("stopped frozen", o, StringComparison.Ordinal); // not "killed frozen ... after 10 s"
    }

    [Fact]
    public void A_lock_file_that_is_also_another_file_is_refused_and_left_unchanged()
    {
        string o = Run("""
            echo secret > "$ROOT/other"; chmod 640 "$ROOT/other"
            mkdir -p "$DIR"; chmod 700 "$DIR"; ln "$ROOT/other" "$DIR/hl.lock"
            P start hl -- sleep 300 2>"$ROOT/err"; echo "START=$?"
            echo "ERR=$(cat "$ROOT/err")"
            echo "MODE=$(stat -c %a "$ROOT/other") CONTENT=$(cat "$ROOT/other")"
            """);
        Assert.NotEqual("0", Value(o, "START"));
        Assert.Contains("hard links", Value(o, "ERR"), StringComparison.Ordinal);
        Assert.Equal("640 CONTENT=secret", Value(o, "MODE"));
    }

    [Fact]
    public void A_running_daemon_holds_a_shared_lock_on_its_runtime_directory_so_tmpfiles_ages_nothing_away()
    {
        string o = Run("""
            P start pinned -- sleep 300
            waitfor "$DIR/pinned.json" '"phase": "running"'
            flock -n -x "$DIR" true; echo "WHILE_RUNNING=$?"
            P stop pinned >/dev/null
            flock -n -x "$DIR" true; echo "AFTER_STOP=$?"
            """);
        Assert.Equal("1", Value(o, "WHILE_RUNNING"));
        Assert.Equal("0", Value(o, "AFTER_STOP"));
    }
}
