using System.Text.Json;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Cli;

public class CommandTests : CliScenario
{
    [Fact]
    public void Run_passes_the_exit_code_through_and_cleans_up()
    {
        string o = Run("""
            P run job -- sh -c 'for i in $(seq 1 100); do [ "$(cat "$0" 2>/dev/null)" = "$$" ] && echo pidfile-names-the-program && break; sleep 0.02; done; exit 7' "$DIR/job.pid"; echo "CODE=$?"
            ls -a "$DIR"
            """);
        Assert.Equal("7", Value(o, "CODE"));
        Assert.Contains("pidfile-names-the-program", o, StringComparison.Ordinal);
        Assert.DoesNotContain("job.pid\n", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_forwards_TERM_and_exits_128_plus_signal()
    {
        string o = Run("""
            P run fg -- sleep 300 &
            RUNNER=$!
            waitfor "$DIR/fg.json" '"phase": "running"'
            kill -TERM $RUNNER
            wait $RUNNER; echo "CODE=$?"
            """);
        Assert.Equal("143", Value(o, "CODE"));
    }

    [Fact]
    public void Run_conflict_exits_75_or_the_chosen_code_and_wait_gets_the_lock_later()
    {
        string o = Run("""
            P run hold -- sleep 3 &
            waitfor "$DIR/hold.json" '"phase": "running"'
            P run hold -- true 2>/dev/null; echo "CONFLICT=$?"
            P run hold --conflict-exit-code 9 -- true 2>/dev/null; echo "CUSTOM=$?"
            P run hold --wait 10 -- echo got-it; echo "WAITED=$?"
            """);
        Assert.Equal("75", Value(o, "CONFLICT"));
        Assert.Equal("9", Value(o, "CUSTOM"));
        Assert.Equal("0", Value(o, "WAITED"));
        Assert.Contains("got-it", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Signal_reaches_the_program_and_refuses_bad_input()
    {
        string o = Run("""
            P start hup -- sh -c 'trap "echo got-hup" HUP; while :; do sleep 0.05; done'
            P signal hup HUP; echo "SENT=$?"
            sleep 0.5
            P logs hup
            P signal hup NOSUCH 2>/dev/null; echo "BAD=$?"
            P signal nothere HUP 2>/dev/null; echo "ABSENT=$?"
            """);
        Assert.Equal("0", Value(o, "SENT"));
        Assert.Matches(@"sent HUP to hup \(PID: \d+\)", o);
        Assert.Contains("got-hup", o, StringComparison.Ordinal);
        Assert.Equal("2", Value(o, "BAD"));
        Assert.Equal("3", Value(o, "ABSENT"));
    }

    [Fact]
    public void Logs_prints_the_tail()
    {
        string o = Run("""
            P start chatty -- sh -c 'for i in 1 2 3 4 5; do echo line$i; done; sleep 300'
            sleep 0.5
            echo "---"; P logs chatty -n 2; echo "CODE=$?"
            P logs chatty --lines -1 2>/dev/null; echo "NEG=$?"
            P logs nothere 2>/dev/null; echo "NONE=$?"
            """);
        string tail = o.Split("---\n")[1].Split("CODE=")[0];
        Assert.Equal("line4\nline5\n", tail);
        Assert.Equal("2", Value(o, "NEG"));
        Assert.Equal("1", Value(o, "NONE"));
    }

    [Fact]
    public void List_shows_every_daemon_as_a_table_and_as_json()
    {
        string o = Run("""
            P start alpha -- sleep 300
            P start beta -- sh -c 'exit 2'
            P start gamma -- sleep 300; P stop gamma >/dev/null
            sleep 0.5
            P list; echo "CODE=$?"
            P list --json > "$ROOT/list.json"
            """);
        Assert.Equal("0", Value(o, "CODE"));
        Assert.Matches(@"NAME\s+STATE\s+PID\s+UPTIME\s+MEMORY\s+COMMAND", o);
        Assert.Matches(@"alpha\s+running\s+\d+\s+\S+.*sleep 300", o);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(o, @"beta\s+dead\s+-"), o); // no PID for a daemon that is not running: it may belong to another process by now
        Assert.Matches(@"gamma\s+stopped\s+-", o);
        var list = JsonDocument.Parse(File.ReadAllText(Path.Join(Dir.Root, "list.json"))).RootElement.GetProperty("daemons");
        Assert.Equal(["alpha", "beta", "gamma"], list.EnumerateArray().Select(e => e.GetProperty("name").GetString()));
        Assert.Equal(0, list[0].GetProperty("lsb").GetInt32());
        Assert.Equal(1, list[1].GetProperty("lsb").GetInt32());
        Assert.Equal(3, list[2].GetProperty("lsb").GetInt32());
    }

    [Fact]
    public void Usage_errors_exit_2_with_one_clear_line()
    {
        string o = Run("""
            P frobnicate 2>"$ROOT/e1"; echo "UNKNOWN_CMD=$?"
            P status web --frob 2>"$ROOT/e2"; echo "UNKNOWN_FLAG=$?"
            P status 'bad/name' 2>"$ROOT/e3"; echo "BAD_NAME=$?"
            P stop web --timeout 3 --retry TERM/1 2>"$ROOT/e4"; echo "BOTH=$?"
            P stop web --retry TERM/nope 2>"$ROOT/e5"; echo "SCHEDULE=$?"
            P start web 2>"$ROOT/e6"; echo "NO_COMMAND=$?"
            P 2>"$ROOT/e7"; echo "NOTHING=$?"
            P status 2>"$ROOT/e8"; echo "NO_NAME=$?"
            for f in "$ROOT"/e*; do echo "ERR $(basename $f): $(head -n 1 $f)"; done
            """);
        foreach (string key in new[] { "UNKNOWN_CMD", "UNKNOWN_FLAG", "BAD_NAME", "BOTH", "SCHEDULE", "NO_COMMAND", "NOTHING", "NO_NAME" })
            Assert.True(Value(o, key) == "2", $"{key} exited {Value(o, key)}:\n{o}");
        Assert.Contains("ERR e3: pidguard: Invalid daemon name 'bad/name'", o, StringComparison.Ordinal);
        Assert.Contains("ERR e5: pidguard: Invalid stop schedule 'TERM/nope'", o, StringComparison.Ordinal);
        Assert.Contains("ERR e1: pidguard: Unrecognized command or argument 'frobnicate'", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_json_and_unknown_state_and_pidfile_selection()
    {
        string o = Run("""
            P start js -- sleep 300
            P status js --json > "$ROOT/js.json"; echo "JSON=$?"
            P status --pidfile "$DIR/js.pid"; echo "BYPIDFILE=$?"
            mkdir -p "$DIR/weird.lock"
            P status weird 2>&1; echo "WEIRD=$?"
            """);
        Assert.Equal("0", Value(o, "JSON"));
        Assert.Equal("0", Value(o, "BYPIDFILE"));
        Assert.Equal("4", Value(o, "WEIRD"));
        Assert.Contains("weird: state unknown", o, StringComparison.Ordinal);
        var json = JsonDocument.Parse(File.ReadAllText(Path.Join(Dir.Root, "js.json"))).RootElement;
        Assert.Equal("running", json.GetProperty("state").GetString());
        Assert.True(json.GetProperty("verified").GetBoolean());
        Assert.True(json.GetProperty("pid").GetInt32() > 1);
        Assert.True(json.GetProperty("supervisorPid").GetInt32() > 1);
        Assert.NotEqual(json.GetProperty("pid").GetInt32(), json.GetProperty("supervisorPid").GetInt32());
        Assert.Equal("sleep", json.GetProperty("commandLine")[0].GetString());
    }

    [Fact]
    public void Start_stop_daemon_and_pkill_work_on_our_pid_file()
    {
        Prerequisite.RequireCommand("start-stop-daemon");
        Prerequisite.RequireCommand("pkill");
        Prerequisite.RequireCommand("pgrep"); // without it "|| echo NO_SLEEP" would pass
        string o = Run("""
            P start ssd -- sleep 300
            start-stop-daemon --status --pidfile "$DIR/ssd.pid"; echo "SSD_STATUS=$?"
            start-stop-daemon --stop --pidfile "$DIR/ssd.pid" --retry TERM/5 >/dev/null; echo "SSD_STOP=$?"
            waituntil 10 eval '! P status ssd'
            P status ssd; echo "AFTER_SSD=$?"
            P start pk -- sleep 300
            pkill -F "$DIR/pk.pid"; echo "PKILL=$?"
            waituntil 10 eval '! P status pk'
            P status pk; echo "AFTER_PKILL=$?"
            pgrep -x sleep || echo "NO_SLEEP"
            """);
        Assert.Equal("0", Value(o, "SSD_STATUS"));
        Assert.Equal("0", Value(o, "SSD_STOP"));
        Assert.Equal("3", Value(o, "AFTER_SSD"));
        Assert.Equal("0", Value(o, "PKILL"));
        Assert.Equal("3", Value(o, "AFTER_PKILL"));
        Assert.Contains("NO_SLEEP", o, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_exists_but_cannot_be_executed_is_126_and_only_a_missing_one_127()
    {
        string o = Run("""
            mkdir -p "$ROOT/d"
            printf '#!/bin/sh\necho hi\n' > "$ROOT/script"; chmod 644 "$ROOT/script"
            for what in /etc/passwd "$ROOT/d" "$ROOT/script"; do
                P start x -- "$what" 2>&1; echo "START=$?"
                P run y -- "$what" 2>&1; echo "RUN=$?"
            done
            P start x -- /nonexistent/prog 2>/dev/null; echo "MISSING_START=$?"
            P run y -- /nonexistent/prog 2>/dev/null; echo "MISSING_RUN=$?"
            """);
        Assert.Equal(3, Lines(o, "START=126").Count);
        Assert.Equal(3, Lines(o, "RUN=126").Count);
        AssertValue(o, "MISSING_START", "127");
        AssertValue(o, "MISSING_RUN", "127");
    }

    [Fact]
    public void Control_characters_from_commands_status_texts_and_errors_are_shown_escaped()
    {
        string o = Run("""
            P start cc -q -- sh -c 'sleep 300' $'\e]0;pwned\a\e[2J' $'a\rb' $'new\nline' $'c1\xc2\x9b'
            P list > "$ROOT/list"
            echo "LIST_ROWS=$(wc -l < "$ROOT/list")"
            echo "LIST_CONTROLS=$(tr -d '\n' < "$ROOT/list" | tr -cd '\000-\037\177' | wc -c)"
            echo "LIST_C1=$(grep -c $'\xc2\x9b' "$ROOT/list")"
            grep '^cc' "$ROOT/list"
            P list --json | grep -c 'new\\nline' | sed 's/^/JSON_EXACT=/'
            P start bad -- $'/nonexistent/\e[31mX' 2> "$ROOT/err"; echo "BAD=$?"
            echo "ERR_CONTROLS=$(tr -d '\n' < "$ROOT/err" | tr -cd '\000-\037\177' | wc -c)"
            cat "$ROOT/err"
            if command -v systemd-notify >/dev/null; then
                P start st -q -- sh -c 'systemd-notify --status="$(printf "\033[2Jpwned\rX\nY")"; sleep 300'
                for i in $(seq 100); do P status st --json | grep -q pwned && break; sleep 0.1; done
                P status st > "$ROOT/status"
                echo "STATUS_CONTROLS=$(tr -d '\n' < "$ROOT/status" | tr -cd '\000-\037\177' | wc -c)"
                echo "STATUS_LINES=$(wc -l < "$ROOT/status")"
            else
                echo "STATUS_CONTROLS=0"; echo "STATUS_LINES=1"
            fi
            """);
        AssertValue(o, "LIST_ROWS", "2");
        AssertValue(o, "LIST_CONTROLS", "0");
        AssertValue(o, "LIST_C1", "0");
        Assert.Contains("$'\\e]0;pwned\\x07\\e[2J' $'a\\rb' $'new\\nline' $'c1\\u009b'", o, StringComparison.Ordinal);
        AssertValue(o, "JSON_EXACT", "1");
        AssertValue(o, "BAD", "127");
        AssertValue(o, "ERR_CONTROLS", "0");
        Assert.Contains("\\e[31mX", o, StringComparison.Ordinal);
        AssertValue(o, "STATUS_CONTROLS", "0");
        AssertValue(o, "STATUS_LINES", "1");
    }
}
