using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Cli;

/// <summary>What admins of start-stop-daemon, supervisord and PM2 expect (issue 10): env files, restart replay, prune, completion.</summary>
public class AdminFeatureTests : CliScenario
{
    [Fact]
    public void Env_file_is_read_as_systemd_reads_it_and_bad_lines_name_the_file_and_line()
    {
        string o = Run("""
            cat > "$ROOT/good.env" <<'EOF'
            # a comment
            ; another
            A=1
              B = "two words \" and \\ back"
            C='single $HOME stays'
            D=joined\
            line
            E=  spaced value   
            EOF
            P start e --env-file "$ROOT/good.env" --env A=from-env -- sh -c 'echo "A=$A"; echo "B=$B"; echo "C=$C"; echo "D=$D"; echo "E=[$E]"; sleep 300'; echo "GOOD=$?"
            waitfor "$DIR/e.log" 'E='
            cat "$DIR/e.log"
            printf 'A=1\n\nnot a pair\n' > "$ROOT/bad.env"
            P start b --env-file "$ROOT/bad.env" -- true 2>&1; echo "BAD=$?"
            printf 'A="never closed\n' > "$ROOT/open.env"
            P start b --env-file "$ROOT/open.env" -- true 2>&1; echo "OPEN=$?"
            printf '1A=x\n' > "$ROOT/name.env"
            P start b --env-file "$ROOT/name.env" -- true 2>&1; echo "NAME=$?"
            P start b --env-file "$ROOT/missing.env" -- true 2>&1; echo "MISSING=$?"
            mkfifo "$ROOT/fifo.env"
            PT start b --env-file "$ROOT/fifo.env" -- true 2>&1; echo "FIFO=$?"
            P start b --env-file "$ROOT" -- true 2>&1; echo "DIRECTORY=$?"
            head -c 5000000 /dev/zero | tr '\0' 'x' > "$ROOT/huge.env"
            P start b --env-file "$ROOT/huge.env" -- true 2>&1; echo "HUGE=$?"
            P status b; echo "B_STATUS=$?"
            """);
        Assert.Equal("0", Value(o, "GOOD"));
        Assert.Equal("from-env", Value(o, "A")); // --env wins over the file
        Assert.Equal("two words \" and \\ back", Value(o, "B"));
        Assert.Equal("single $HOME stays", Value(o, "C"));
        Assert.Equal("joinedline", Value(o, "D"));
        Assert.Equal("[spaced value]", Value(o, "E"));
        Assert.Equal("2", Value(o, "BAD"));
        Assert.Contains($"bad.env', line 3: expected KEY=VALUE, found 'not a pair'", o, StringComparison.Ordinal);
        Assert.Equal("2", Value(o, "OPEN"));
        Assert.Contains("open.env', line 1: the value's double quote is never closed", o, StringComparison.Ordinal);
        Assert.Equal("2", Value(o, "NAME"));
        Assert.Equal("1", Value(o, "MISSING"));
        Assert.Contains("missing.env' does not exist", o, StringComparison.Ordinal);
        Assert.Equal("1", Value(o, "FIFO"));
        Assert.Contains("fifo.env' is not a regular file", o, StringComparison.Ordinal);
        Assert.Equal("1", Value(o, "DIRECTORY"));
        Assert.Equal("2", Value(o, "HUGE"));
        Assert.Equal("3", Value(o, "B_STATUS"));
    }

    [Fact]
    public void Restart_replays_everything_start_was_given_and_keeps_env_values_out_of_the_public_files()
    {
        string o = Run("""
            mkdir "$ROOT/work"
            printf 'FROMFILE=one\n' > "$ROOT/app.env"
            P start app --cwd "$ROOT/work" --env SECRET=s3cret --env-file "$ROOT/app.env" --umask 027 --log "$ROOT/app.log" --log-max-size 1M --log-keep 2 --restart on-failure \
              -- sh -c 'echo "RUN FROMFILE=$FROMFILE SECRET=$SECRET UMASK=$(umask) PWD=$(pwd)"; sleep 300'
            waitfor "$ROOT/app.log" 'RUN FROMFILE=one'
            printf 'FROMFILE=two\n' > "$ROOT/app.env"
            P restart app; echo "RESTART=$?"
            waitfor "$ROOT/app.log" 'RUN FROMFILE=two'
            P stop app >/dev/null
            printf 'FROMFILE=three\n' > "$ROOT/app.env"
            P restart app; echo "AFTER_STOP=$?"
            waitfor "$ROOT/app.log" 'RUN FROMFILE=three'
            grep RUN "$ROOT/app.log"
            echo "ENV_MODE=$(stat -c %a "$DIR/app.env")"
            echo "SECRET_IN_PUBLIC=$(cat "$DIR/app.json" "$DIR/app.start.json" | grep -c s3cret)"
            grep -o '"restartPolicy": "[a-z-]*"' "$DIR/app.json"
            grep -o '"logMaxSize": [0-9]*' "$DIR/app.start.json"
            printf 'BROKEN\n' > "$ROOT/app.env"
            P restart app 2>&1; echo "BROKEN=$?"
            P status app; echo "STILL=$?"
            """);
        Assert.Equal("0", Value(o, "RESTART"));
        Assert.Equal("0", Value(o, "AFTER_STOP"));
        Assert.Matches(@"RUN FROMFILE=three SECRET=s3cret UMASK=0027 PWD=\S+/work", o);
        Assert.Equal("600", Value(o, "ENV_MODE"));
        Assert.Equal("0", Value(o, "SECRET_IN_PUBLIC"));
        Assert.Contains("\"restartPolicy\": \"on-failure\"", o, StringComparison.Ordinal);
        Assert.Contains("\"logMaxSize\": 1048576", o, StringComparison.Ordinal);
        Assert.Equal("2", Value(o, "BROKEN")); // a broken env file stops nothing
        Assert.Equal("0", Value(o, "STILL"));
    }

    [Fact]
    public void Prune_removes_every_file_of_stopped_and_dead_names_and_never_a_running_one()
    {
        string o = Run("""
            P start up -- sleep 300
            P start gone -- sleep 300; P stop gone >/dev/null
            P start dead -- sh -c 'sleep 0.3; exit 3'
            for i in $(seq 100); do P status dead >/dev/null; [ $? = 1 ] && break; sleep 0.1; done
            P run held -- sleep 300 & 
            waitfor "$DIR/held.json" '"phase": "running"'
            ls "$DIR" | sort | tr '\n' ' '; echo
            P prune; echo "PRUNE=$?"
            echo "LEFT=$(ls "$DIR" | sort | tr '\n' ' ')"
            P prune up 2>&1; echo "NAMED_RUNNING=$?"
            P status up; echo "UP=$?"
            P list
            """);
        Assert.Equal("0", Value(o, "PRUNE"));
        Assert.Contains("pruned gone", o, StringComparison.Ordinal);
        Assert.Contains("pruned dead", o, StringComparison.Ordinal);
        string left = Value(o, "LEFT");
        Assert.DoesNotContain("gone", left, StringComparison.Ordinal);
        Assert.DoesNotContain("dead", left, StringComparison.Ordinal);
        Assert.Contains("up.lock", left, StringComparison.Ordinal);
        Assert.Contains("up.pid", left, StringComparison.Ordinal);
        Assert.Contains("up.log", left, StringComparison.Ordinal);
        Assert.Contains("held.lock", left, StringComparison.Ordinal);
        Assert.Equal("1", Value(o, "NAMED_RUNNING"));
        Assert.Contains("not pruning up", o, StringComparison.Ordinal);
        Assert.Equal("0", Value(o, "UP"));
    }

    [Fact]
    public void Prune_racing_start_never_leaves_a_daemon_on_an_unlinked_lock_file()
    {
        string o = Run("""
            bad=0
            for i in $(seq 1 15); do
              P prune race >/dev/null 2>&1 &
              P start race -- sleep 300 >/dev/null 2>&1; code=$?
              P prune race >/dev/null 2>&1 &
              wait
              P status race >/dev/null; st=$?
              # A daemon that started must be findable through the lock file on disk, whatever prune did.
              if [ $code = 0 ] && [ $st != 0 ]; then bad=$((bad + 1)); echo "LOST in round $i: start=$code status=$st"; ls -li "$DIR"; fi
              P stop race >/dev/null 2>&1
              if [ "$(pgrep -xc sleep)" != 0 ]; then bad=$((bad + 1)); echo "LEFTOVER in round $i"; fi
            done
            echo "BAD=$bad"
            """, TimeSpan.FromSeconds(240));
        Assert.Equal("0", Value(o, "BAD"));
    }

    [Fact]
    public void Completion_scripts_complete_commands_options_and_daemon_names()
    {
        string o = Run("""
            P start web -- sleep 300
            P start worker -- sleep 300
            touch "$DIR/bad name.lock" "$DIR/.hidden.lock"
            P completion bash > "$ROOT/pg.bash"; echo "BASH=$?"
            pidguard() { P "$@"; }
            source "$ROOT/pg.bash"
            comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _pidguard; echo "$* => ${COMPREPLY[*]}"; }
            comp pidguard st
            comp pidguard stop ''
            comp pidguard logs w
            comp pidguard start --log-
            comp pidguard signal web ''
            comp pidguard completion ''
            P completion zsh | grep -c bashcompinit
            P completion fish > "$ROOT/pg.fish"; echo "FISH=$?"
            grep -c "__fish_seen_subcommand_from" "$ROOT/pg.fish"
            grep "completion names" "$ROOT/pg.fish" | head -n 1
            P completion tcsh 2>/dev/null; echo "TCSH=$?"
            """);
        Assert.Equal("0", Value(o, "BASH"));
        Assert.Contains("pidguard st => start stop status", o, StringComparison.Ordinal);
        Assert.Contains("pidguard signal web  => HUP INT QUIT KILL USR1 USR2 TERM CONT STOP WINCH", o, StringComparison.Ordinal);
        Assert.Contains("pidguard stop  => web worker", o, StringComparison.Ordinal);
        Assert.Contains("pidguard logs w => web worker", o, StringComparison.Ordinal);
        Assert.Contains("pidguard start --log- => --log-max-size --log-keep", o, StringComparison.Ordinal);
        Assert.Contains("pidguard completion  => bash zsh fish", o, StringComparison.Ordinal);
        Assert.DoesNotContain("bad", o.Split("=>").Last(), StringComparison.Ordinal);
        Assert.DoesNotContain("hidden", o, StringComparison.Ordinal);
        Assert.Equal("0", Value(o, "FISH"));
        Assert.Equal("2", Value(o, "TCSH"));
    }

    [Fact]
    public void Start_under_an_empty_environment_finds_programs_in_the_default_path()
    {
        string o = Run("""
            env -i PIDGUARD_RUNTIME_DIR="$DIR" /bin/bash -c "$(declare -f P); P start zz -- sleep 300"; echo "ENV_I=$?"
            P status zz; echo "STATUS=$?"
            """);
        Assert.Equal("0", Value(o, "ENV_I"));
        Assert.Equal("0", Value(o, "STATUS"));
    }

    [Fact]
    public void A_hosting_app_runs_under_run_and_start_without_locking_again_or_claiming_a_release()
    {
        string worker = $"'{ChildProcess.Dotnet}' '{ChildProcess.WorkerDll}'";
        string o = Run($$"""
            export PidGuard__RuntimeDirectory="$DIR"
            P run worker -- {{worker}} > "$ROOT/run.out" 2>&1 &
            waitfor "$ROOT/run.out" 'supervised by pidguard'
            P status worker; echo "RUN_STATUS=$?"
            kill -TERM "$(supervisor worker)"; wait; echo "RUN_EXIT=$?"
            P start worker --wait-ready 30 -- {{worker}}; echo "START=$?"
            P stop worker >/dev/null
            cat "$ROOT/run.out"; P logs worker -n 100
            """);
        Assert.Equal("0", Value(o, "RUN_STATUS"));
        Assert.Equal("0", Value(o, "RUN_EXIT"));
        Assert.Equal("0", Value(o, "START"));
        Assert.DoesNotContain("already running", o, StringComparison.Ordinal);
        Assert.DoesNotContain("released its instance lock", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_checks_what_the_start_needs_before_it_stops_the_daemon()
    {
        string o = Run("""
            mkdir -p "$ROOT/wd" "$ROOT/logs" "$ROOT/bin"
            printf '#!/bin/sh\nexec sleep 300\n' > "$ROOT/bin/prog"; chmod 755 "$ROOT/bin/prog"
            P start cw -q --cwd "$ROOT/wd" -- sleep 300
            P start cb -q -- "$ROOT/bin/prog"
            P start ld -q --log "$ROOT/logs/ld.log" -- sleep 300
            rmdir "$ROOT/wd"; rm "$ROOT/bin/prog"; rm -r "$ROOT/logs"
            for n in cw cb ld; do
                P restart $n; echo "RESTART_$n=$?"
                P status $n -q; echo "STATUS_$n=$?"
            done
            """);
        foreach (string n in new[] { "cw", "cb", "ld" })
        {
            AssertValue(o, "RESTART_" + n, "1");
            AssertValue(o, "STATUS_" + n, "0");
        }
        Assert.Contains("working directory", o, StringComparison.Ordinal);
        Assert.Contains("nothing was stopped", o, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nul_in_an_env_file_and_a_broken_start_definition_are_clear_errors_not_stack_traces()
    {
        string o = Run("""
            printf 'A=1\nV=x\0y\n' > "$ROOT/f.env"
            P start nul --env-file "$ROOT/f.env" -- sleep 30 2>&1; echo "NUL=$?"
            printf '\xef\xbb\xbfBOM=1\n' > "$ROOT/bom.env"
            P start bom -q --env-file "$ROOT/bom.env" -- sh -c 'echo "BOM_VALUE=$BOM"; sleep 300'; echo "BOM=$?"
            P start r -q -- sleep 300; P stop r -q
            sed -i '/"logFile"/d' "$DIR/r.start.json"
            P restart r 2>&1; echo "NO_LOG_FILE=$?"
            P start s -q -- sleep 300; P stop s -q
            sed -i 's/"schemaVersion": 1/"schemaVersion": 99/' "$DIR/s.start.json"
            P restart s 2>&1; echo "SCHEMA=$?"
            """);
        AssertValue(o, "NUL", "2");
        Assert.Contains("line 2: a NUL character", o, StringComparison.Ordinal);
        AssertValue(o, "BOM", "0");
        AssertValue(o, "NO_LOG_FILE", "1");
        Assert.Contains("holds no log file", o, StringComparison.Ordinal);
        AssertValue(o, "SCHEMA", "1");
        Assert.Contains("schemaVersion 99", o, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", o, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", o, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_about_paths_and_recorded_files_are_in_the_tools_words_and_never_follow_links_or_quote_content()
    {
        string o = Run("""
            P start l --log /nonexistent/dir/x.log -- sleep 30 2>&1; echo "LOG_DIR=$?"
            P start r -q -- sleep 300; P stop r -q
            echo 'rubbish' > "$DIR/r.start.json"
            P restart r 2>&1; echo "BAD_JSON=$?"
            P start e -q --env K=V -- sleep 300; P stop e -q
            echo 'topsecret' > "$ROOT/secret"; rm "$DIR/e.env"; ln -s "$ROOT/secret" "$DIR/e.env"
            P restart e 2>&1; echo "ENV_LINK=$?"
            P start u -q --umask 022 -- sleep 300; P stop u -q
            sed -i 's/"umask": "022"/"umask": "999"/' "$DIR/u.start.json"
            P restart u 2>&1; echo "UMASK=$?"
            """);
        AssertValue(o, "LOG_DIR", "1");
        Assert.Contains("its directory '/nonexistent/dir' does not exist", o, StringComparison.Ordinal);
        AssertValue(o, "BAD_JSON", "1");
        AssertValue(o, "ENV_LINK", "1");
        Assert.True(o.Contains("e.env' is a symbolic link", StringComparison.Ordinal), o);
        AssertValue(o, "UMASK", "1");
        foreach (string dotnet in new[] { "Could not find a part", "invalid start of a value", "LineNumber", "recognizable digits", "System.", "topsecret", "'t'" })
            Assert.DoesNotContain(dotnet, o, StringComparison.Ordinal);
    }
}
