using System.Text.Json;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Cli;

/// <summary>What the command line accepts and refuses, and how the tool words it (issue 10, "wrong today").</summary>
public class CommandLineTests : CliScenario
{
    [Fact]
    public void A_mistyped_option_before_the_double_dash_is_an_unknown_option_not_the_command()
    {
        string o = Run("""
            P start t1 --wait-redy 5 -- sleep 5 2>"$ROOT/e1"; echo "START=$?"
            P run t4 --wiat 3 -- true 2>"$ROOT/e2"; echo "RUN=$?"
            P start --bogus foo 2>"$ROOT/e3"; echo "BOGUS=$?"
            P start t5 -- sh -c 'sleep 300' --frob; echo "AFTER_DASHES=$?"
            P stop t5 >/dev/null
            for f in e1 e2 e3; do echo "ERR $f: $(head -n 1 "$ROOT/$f")"; done
            P status t1; echo "T1=$?"
            """);
        Assert.Equal("2", Value(o, "START"));
        Assert.Equal("2", Value(o, "RUN"));
        Assert.Equal("2", Value(o, "BOGUS"));
        Assert.Equal("0", Value(o, "AFTER_DASHES")); // after --, a dashed word belongs to the command
        Assert.Contains("ERR e1: pidguard: unknown option '--wait-redy'", o, StringComparison.Ordinal);
        Assert.Contains("ERR e2: pidguard: unknown option '--wiat'", o, StringComparison.Ordinal);
        Assert.Contains("ERR e3: pidguard: unknown option '--bogus'", o, StringComparison.Ordinal);
        Assert.Equal("3", Value(o, "T1"));
    }

    [Fact]
    public void Signal_takes_dashed_numbers_names_and_realtime_signals_and_says_the_name()
    {
        string o = Run("""
            P start sig -- sh -c 'trap "echo got-usr1" USR1; trap "echo got-hup" HUP; while :; do sleep 0.05; done'
            P signal sig -10; echo "DASH_NUMBER=$?"
            P kill -HUP sig; echo "KILL_STYLE=$?"
            P signal sig SIGUSR1; echo "NAME=$?"
            waitfor "$DIR/sig.log" got-hup
            for s in 0 -0 32 33 65 SIGRTMIN+99 NOSUCH; do P signal sig "$s" 2>>"$ROOT/err"; echo "BAD_$s=$?"; done
            P start rt -- sleep 300
            P signal rt SIGRTMIN+1; echo "RT=$?"
            for i in $(seq 100); do P status rt >/dev/null || break; sleep 0.1; done
            P status rt
            cat "$ROOT/err"
            """);
        foreach (string key in new[] { "DASH_NUMBER", "KILL_STYLE", "NAME", "RT" })
            Assert.True(Value(o, key) == "0", $"{key}={Value(o, key)}:\n{o}");
        Assert.Matches(@"sent USR1 to sig \(PID: \d+\)", o);
        Assert.Matches(@"sent HUP to sig \(PID: \d+\)", o);
        Assert.Matches(@"sent RTMIN\+1 to rt \(PID: \d+\)", o);
        Assert.DoesNotContain("sent 10", o, StringComparison.Ordinal);
        Assert.Contains("killed by signal 35", o, StringComparison.Ordinal);
        foreach (string bad in new[] { "0", "-0", "32", "33", "65", "SIGRTMIN+99", "NOSUCH" })
            Assert.True(Value(o, "BAD_" + bad) == "2", $"signal {bad} exited {Value(o, "BAD_" + bad)}:\n{o}");
        Assert.Contains("reserved by the C library", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Signal_exit_codes_tell_refused_from_not_running_from_unknown()
    {
        string o = Run("""
            mkdir -m 700 "$DIR"
            flock "$DIR/held.lock" sleep 300 &
            waituntil 10 test -e "$DIR/held.lock"
            P signal held HUP 2>/dev/null; echo "UNPROVEN=$?"
            sleep 300 & echo $! > "$DIR/legacy.pid"
            P signal legacy HUP 2>/dev/null; echo "LEGACY=$?"
            P signal nothere HUP 2>/dev/null; echo "ABSENT=$?"
            mkdir -p "$ROOT/open" && chmod 777 "$ROOT/open"
            P signal web HUP --dir "$ROOT/open" 2>/dev/null; echo "UNKNOWN=$?"
            P signal web HUP --dir "$ROOT/nope" 2>&1; echo "NODIR=$?"
            """);
        Assert.Equal("1", Value(o, "UNPROVEN"));
        Assert.Equal("1", Value(o, "LEGACY"));
        Assert.Equal("3", Value(o, "ABSENT"));
        Assert.Equal("4", Value(o, "UNKNOWN"));
        Assert.Equal("3", Value(o, "NODIR"));
        Assert.Contains("does not exist", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflict_exit_code_restart_window_and_empty_paths_are_checked()
    {
        string o = Run("""
            P run hold -- sleep 300 &
            waitfor "$DIR/hold.json" '"phase": "running"'
            P run hold --conflict-exit-code 999 -- true 2>/dev/null; echo "BIG=$?"
            P run hold --conflict-exit-code 0 -- true 2>/dev/null; echo "ZERO=$?"
            P run hold --conflict-exit-code 255 -- true 2>/dev/null; echo "MAX=$?"
            P start w --restart-window 0 --max-restarts 3 -- true 2>/dev/null; echo "WINDOW=$?"
            P start e1 --log '' -- true 2>/dev/null; echo "LOG=$?"
            P start e2 --cwd '' -- true 2>/dev/null; echo "CWD=$?"
            P status --pidfile '' 2>/dev/null; echo "PIDFILE=$?"
            P status x --dir '' 2>/dev/null; echo "DIR=$?"
            P stop hold >/dev/null
            """);
        foreach (string key in new[] { "BIG", "ZERO", "WINDOW", "LOG", "CWD", "PIDFILE", "DIR" })
            Assert.True(Value(o, key) == "2", $"{key}={Value(o, key)}:\n{o}");
        Assert.Equal("255", Value(o, "MAX"));
    }

    [Fact]
    public void Help_usage_and_errors_say_pidguard_and_status_help_names_every_exit_code()
    {
        string o = Run("""
            P --help
            P status --help
            P frobnicate 2>&1
            P stop x --timeout abc 2>&1; echo "NUMBER=$?"
            """);
        Assert.DoesNotContain("PidGuard.Cli", o, StringComparison.Ordinal);
        Assert.Contains("pidguard [command] [options]", o, StringComparison.Ordinal);
        Assert.Contains("pidguard status [<NAME>] [options]", o, StringComparison.Ordinal);
        Assert.Contains("2 the name is held", o, StringComparison.Ordinal);
        Assert.Equal("2", Value(o, "NUMBER"));
        Assert.Contains("pidguard: --timeout 'abc' is not a number", o, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", o, StringComparison.Ordinal);
    }

    [Fact]
    public void No_terminal_control_sequence_is_ever_written()
    {
        Prerequisite.RequireCommand("script");
        string o = Run("""
            script -q -c "$(declare -f P); P status x >/dev/null 2>&1; P list; P status x" "$ROOT/tty" >/dev/null </dev/null
            P status x 2>&1 | od -c > "$ROOT/piped"
            echo "TTY_ESC=$(grep -c "$(printf '\033')" "$ROOT/tty")"
            echo "PIPED_ESC=$(grep -c '033' "$ROOT/piped")"
            echo "TTY_TEXT=$(grep -c 'x is not running' "$ROOT/tty")"
            """);
        Assert.Equal("0", Value(o, "TTY_ESC"));
        Assert.Equal("0", Value(o, "PIPED_ESC"));
        Assert.Equal("1", Value(o, "TTY_TEXT"));
    }

    [Fact]
    public void A_program_that_is_missing_is_127_and_one_that_cannot_execute_is_126()
    {
        string o = Run("""
            P start nf -- /nonexistent/prog 2>"$ROOT/e1"; echo "MISSING=$?"
            printf 'not a program\0\1\2' > "$ROOT/garbage"; chmod +x "$ROOT/garbage"
            P start bad -- "$ROOT/garbage" 2>"$ROOT/e2"; echo "NOEXEC=$?"
            cat "$ROOT/e1" "$ROOT/e2"
            P status bad; echo "AFTER=$?"
            """);
        Assert.Equal("127", Value(o, "MISSING"));
        Assert.Contains("command not found", o, StringComparison.Ordinal);
        Assert.Equal("126", Value(o, "NOEXEC"));
        Assert.Contains("cannot be executed", o, StringComparison.Ordinal);
        Assert.NotEqual("0", Value(o, "AFTER"));
    }

    [Fact]
    public void A_missing_runtime_directory_is_named_by_status_stop_and_list()
    {
        string o = Run("""
            P status web --dir "$ROOT/tpyo"; echo "STATUS=$?"
            P stop web --dir "$ROOT/tpyo"; echo "STOP=$?"
            P list --dir "$ROOT/tpyo" 2>&1; echo "LIST=$?"
            """);
        Assert.Equal("3", Value(o, "STATUS"));
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Equal("0", Value(o, "LIST"));
        Assert.Equal(3, o.Split("tpyo' does not exist").Length - 1);
    }

    [Fact]
    public void Json_has_a_schema_version_every_key_and_quotes_and_pluses_as_they_are()
    {
        string o = Run("""
            P start js -- sh -c 'sleep 300' "it's" "a+b"
            P status js --json > "$ROOT/status.json"
            P list --json > "$ROOT/list.json"
            grep -c 'u0027\|u002B' "$ROOT/status.json" "$ROOT/list.json"; echo "ESCAPED=$(cat "$ROOT"/*.json | grep -c 'u0027\|u002B')"
            """);
        Assert.Equal("0", Value(o, "ESCAPED"));
        var status = JsonDocument.Parse(File.ReadAllText(Path.Join(Dir.Root, "status.json"))).RootElement;
        Assert.Equal(1, status.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("nextRestartAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastExit").ValueKind);
        Assert.Equal("it's", status.GetProperty("commandLine")[3].GetString());
        Assert.Contains("\"a+b\"", File.ReadAllText(Path.Join(Dir.Root, "status.json")), StringComparison.Ordinal);
        var list = JsonDocument.Parse(File.ReadAllText(Path.Join(Dir.Root, "list.json"))).RootElement;
        Assert.Equal(1, list.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("js", list.GetProperty("daemons")[0].GetProperty("name").GetString());
        // The documented field list and the printed one are the same.
        string docs = File.ReadAllText(Path.Join(RepositoryRoot(), "docs", "JSON.md"));
        foreach (var field in status.EnumerateObject())
            Assert.Contains($"`{field.Name}`", docs, StringComparison.Ordinal);
    }

    [Fact]
    public void List_fits_the_terminal_width_and_quotes_the_command_line()
    {
        string o = Run("""
            P start q -- sh -c 'sleep 300' x --save '' 'two words'
            COLUMNS=50 P list > "$ROOT/narrow"
            P list > "$ROOT/wide"
            echo "LONGEST=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$ROOT/narrow")"
            cat "$ROOT/wide"
            """);
        Assert.True(int.Parse(Value(o, "LONGEST")) <= 50, o);
        Assert.Contains("sh -c 'sleep 300' x --save '' 'two words'", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_shows_no_uptime_without_a_recorded_start_and_no_pid_for_a_dead_daemon()
    {
        string o = Run("""
            P start up -- sleep 300
            sed -i '0,/"startedAt"/{/"startedAt"/d}' "$DIR/up.json"
            P status up; echo "RUNNING=$?"
            P start crash -- sh -c 'sleep 0.3; exit 4'
            for i in $(seq 100); do P status crash >/dev/null; [ $? = 1 ] && break; sleep 0.1; done
            P status crash
            P list
            """);
        Assert.Equal("0", Value(o, "RUNNING"));
        Assert.DoesNotMatch(@"up \d+d", o);
        Assert.Matches(@"crash is dead \(its last PID was \d+\)", o);
        Assert.Matches(@"crash\s+dead\s+-\s", o);
    }

    [Fact]
    public void Logs_and_start_refuse_a_log_that_is_not_a_regular_file()
    {
        string o = Run("""
            P start ff -- sleep 300
            P stop ff >/dev/null
            mkfifo "$DIR/ff.log.new" && rm -f "$DIR/ff.log" && mv "$DIR/ff.log.new" "$DIR/ff.log"
            PT logs ff 2>&1; echo "LOGS=$?"
            mkfifo "$ROOT/fifo"
            PT start f2 --log "$ROOT/fifo" -- sleep 300 2>&1; echo "START=$?"
            mkdir "$ROOT/adir"
            P start f3 --log "$ROOT/adir" -- sleep 300 2>&1; echo "DIRLOG=$?"
            """);
        Assert.Equal("1", Value(o, "LOGS"));
        Assert.Equal("1", Value(o, "START"));
        Assert.Equal("1", Value(o, "DIRLOG"));
        Assert.Contains("is not a regular file", o, StringComparison.Ordinal);
        Assert.Contains("is a directory", o, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_env_key_takes_the_last_value()
    {
        string o = Run("""
            P start e --env K=1 --env K=2 -- sh -c 'echo "K=$K"; sleep 300'; echo "CODE=$?"
            waitfor "$DIR/e.log" 'K='
            cat "$DIR/e.log"
            """);
        Assert.Equal("0", Value(o, "CODE"));
        Assert.Equal("2", Value(o, "K"));
    }

    [Fact]
    public void A_crash_looping_program_under_a_restart_policy_fails_its_start()
    {
        string o = Run("""
            P start loop --restart always -- sh -c 'sleep 0.05; exit 3' 2>"$ROOT/err"; echo "CODE=$?"
            cat "$ROOT/err"
            P status loop; echo "STATUS=$?"
            """);
        Assert.Equal("1", Value(o, "CODE"));
        Assert.Contains("exited during start (code 3); not restarting it", o, StringComparison.Ordinal);
        Assert.DoesNotContain("started loop", o, StringComparison.Ordinal);
        Assert.NotEqual("0", Value(o, "STATUS"));
        Assert.NotEqual("2", Value(o, "STATUS"));
    }

    [Fact]
    public void Quiet_leaves_out_messages_but_not_errors_or_data()
    {
        string o = Run("""
            P start qq -q -- sleep 300; echo "START=$?"
            P --quiet status qq; echo "STATUS=$?"
            P signal qq CONT --quiet; echo "SIGNAL=$?"
            P start qq -q -- sleep 300 2>&1; echo "AGAIN=$?"
            P list -q | grep -c qq
            P stop qq -q; echo "STOP=$?"
            """);
        Assert.Equal("0", Value(o, "START"));
        Assert.Equal("0", Value(o, "STATUS"));
        Assert.Equal("75", Value(o, "AGAIN"));
        Assert.Contains("already running", o, StringComparison.Ordinal);
        Assert.DoesNotContain("started qq", o, StringComparison.Ordinal);
        Assert.DoesNotContain("qq is running", o, StringComparison.Ordinal);
        Assert.DoesNotContain("sent CONT", o, StringComparison.Ordinal);
        Assert.Equal("0", Value(o, "SIGNAL"));
        Assert.DoesNotContain("stopped qq", o, StringComparison.Ordinal);
        Assert.Contains("\n1\n", o, StringComparison.Ordinal);
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Join(dir.FullName, "PidGuard.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void Logs_and_restart_check_the_runtime_directory_and_small_usage_rules_hold()
    {
        string o = Run("""
            mkdir -m 777 "$ROOT/open"; echo planted-line > "$ROOT/open/x.log"
            P logs x --dir "$ROOT/open" 2>&1; echo "OPEN_LOGS=$?"
            P restart x --dir "$ROOT/open" 2>&1; echo "OPEN_RESTART=$?"
            P run ok -- true 2> "$ROOT/err"; echo "RUN=$?"
            echo "RUN_STDERR=$(wc -c < "$ROOT/err")"
            P run bad -- sh -c 'exit 3' 2>&1; echo "RUN_BAD=$?"
            P start w --wait-ready 0 -- sleep 1 2>&1; echo "WAIT_READY_ZERO=$?"
            P -q --version >/dev/null; echo "QUIET_VERSION=$?"
            """);
        AssertValue(o, "OPEN_LOGS", "1");
        AssertValue(o, "OPEN_RESTART", "1");
        Assert.Contains("group- or world-writable", o, StringComparison.Ordinal);
        Assert.DoesNotContain("planted-line", o, StringComparison.Ordinal);
        AssertValue(o, "RUN", "0");
        AssertValue(o, "RUN_STDERR", "0");
        AssertValue(o, "RUN_BAD", "3");
        Assert.Contains("exited: code 3", o, StringComparison.Ordinal);
        AssertValue(o, "WAIT_READY_ZERO", "2");
        AssertValue(o, "QUIET_VERSION", "0");
    }
}
