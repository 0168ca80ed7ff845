using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Cli;

/// <summary>--user/--group (as root), and root managing a daemon in another user's runtime directory.</summary>
public class UserTests : CliScenario
{
    private static void RequireRoot() => Prerequisite.Require(Environment.UserName == "root", "the --user tests need root");

    [Fact]
    public void Start_and_run_drop_to_the_user_its_groups_and_its_environment()
    {
        RequireRoot();
        string o = Run("""
            P start asnobody --user nobody -- sh -c 'echo "ID=$(id -u):$(id -g)"; echo "GROUPS=$(id -G)"; echo "HOME=$HOME"; echo "USER=$USER"; echo "LOGNAME=$LOGNAME"; sleep 300'; echo "START=$?"
            waitfor "$DIR/asnobody.log" '^LOGNAME='
            cat "$DIR/asnobody.log"
            echo "EXPECTED_GROUPS=$(id -G nobody)"
            echo "PROCESS_USER=$(ps -o user= -p "$(cat "$DIR/asnobody.pid")")"
            echo "SUPERVISOR_USER=$(ps -o user= -p "$(supervisor asnobody)")"
            P signal asnobody CONT >/dev/null; echo "SIGNAL=$?"
            P start grp --user nobody:daemon -- sh -c 'echo "GID=$(id -g)"; sleep 300'
            waitfor "$DIR/grp.log" '^GID='
            cat "$DIR/grp.log"
            P start num --user 65534 --group 1 -- sh -c 'echo "NUM=$(id -u):$(id -g)"; sleep 300'
            waitfor "$DIR/num.log" '^NUM='
            cat "$DIR/num.log"
            P start nopw --user 4242:4242 -- sh -c 'echo "NOPW=$(id -u):$(id -g) HOME=$HOME"; sleep 300'
            waitfor "$DIR/nopw.log" '^NOPW='
            cat "$DIR/nopw.log"
            P run fg --user nobody -- id -u; echo "RUN=$?"
            P stop asnobody; echo "STOP=$?"
            P restart grp >/dev/null; echo "RESTART=$?"
            waituntil 10 sh -c "[ \$(grep -c '^GID=' '$DIR/grp.log') -ge 2 ]"
            P status grp; echo "GRP_STATUS=$?"
            """);
        Assert.Equal("0", Value(o, "START"));
        Assert.Equal("65534:65534", Value(o, "ID"));
        Assert.Equal(Value(o, "EXPECTED_GROUPS"), Value(o, "GROUPS"));
        Assert.Equal("/nonexistent", Value(o, "HOME"));
        Assert.Equal("nobody", Value(o, "USER"));
        Assert.Equal("nobody", Value(o, "LOGNAME"));
        Assert.Equal("nobody", Value(o, "PROCESS_USER"));
        Assert.Equal("root", Value(o, "SUPERVISOR_USER"));
        Assert.Equal("0", Value(o, "SIGNAL"));
        Assert.Equal("1", Value(o, "GID"));
        Assert.Equal("65534:1", Value(o, "NUM"));
        Assert.Equal("4242:4242 HOME=/", Value(o, "NOPW"));
        Assert.Contains("\n65534\n", o, StringComparison.Ordinal);
        Assert.Equal("0", Value(o, "RUN"));
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Equal("0", Value(o, "RESTART"));
        Assert.Equal("0", Value(o, "GRP_STATUS"));
    }

    [Fact]
    public void Bad_users_and_groups_are_refused_clearly_and_only_root_may_switch()
    {
        RequireRoot();
        string o = Run("""
            P start a --user no-such-user -- true 2>&1; echo "NO_USER=$?"
            P start a --user nobody --group no-such-group -- true 2>&1; echo "NO_GROUP=$?"
            P start a --user 4242 -- true 2>&1; echo "NO_PASSWD=$?"
            P start a --user nobody:daemon --group daemon -- true 2>&1; echo "TWICE=$?"
            P start a --user '' -- true 2>/dev/null; echo "EMPTY=$?"
            mkdir -m 777 "$ROOT/nb"
            setpriv --reuid 65534 --regid 65534 --clear-groups env HOME=/tmp DOTNET_CLI_HOME=/tmp "$(command -v bash)" -c "$(declare -f P); P start a --dir '$ROOT/nb/run' --user root -- true" 2>&1; echo "NOT_ROOT=$?"
            P start missing --user nobody -- /no/such/program 2>&1; echo "MISSING=$?"
            """);
        Assert.Equal("2", Value(o, "NO_USER"));
        Assert.Contains("no user 'no-such-user'", o, StringComparison.Ordinal);
        Assert.Equal("2", Value(o, "NO_GROUP"));
        Assert.Contains("no group 'no-such-group'", o, StringComparison.Ordinal);
        Assert.Equal("2", Value(o, "NO_PASSWD"));
        Assert.Contains("uid 4242 has no passwd entry", o, StringComparison.Ordinal);
        Assert.Equal("2", Value(o, "TWICE"));
        Assert.Equal("2", Value(o, "EMPTY"));
        Assert.Equal("1", Value(o, "NOT_ROOT"));
        Assert.Contains("--user/--group need root", o, StringComparison.Ordinal);
        Assert.Equal("127", Value(o, "MISSING"));
    }

    [Fact]
    public void Minus_one_ids_are_refused_and_a_failing_exec_as_step_always_fails_the_start()
    {
        RequireRoot();
        string o = Run("""
            P start a --user 0:4294967295 -- true 2>&1; echo "GID_MINUS_ONE=$?"
            P start a --group 4294967295 -- true 2>&1; echo "GROUP_MINUS_ONE=$?"
            P start a --user 4294967295:0 -- true 2>&1; echo "UID_MINUS_ONE=$?"
            mkdir -m 700 "$ROOT/private"
            printf '#!/bin/sh\nsleep 300\n' > "$ROOT/private/prog"; chmod 755 "$ROOT/private/prog"
            for i in 1 2 3; do P start x$i --user nobody -- "$ROOT/private/prog" >/dev/null 2>&1; echo "EXEC_AS_$i=$?"; done
            """);
        Assert.Equal("2", Value(o, "GID_MINUS_ONE"));
        Assert.Equal("2", Value(o, "GROUP_MINUS_ONE"));
        Assert.Equal("2", Value(o, "UID_MINUS_ONE"));
        Assert.Contains("(gid_t)-1", o, StringComparison.Ordinal);
        for (int i = 1; i <= 3; i++)
            AssertValue(o, $"EXEC_AS_{i}", "126");
    }

    [Fact]
    public void A_runtime_directory_created_under_a_umask_that_denies_its_owner_is_set_to_0700()
    {
        RequireRoot();
        string o = Run("""
            chmod 755 "$ROOT"
            mkdir -m 777 "$ROOT/nb"
            mkdir -m 300 "$ROOT/nb/old" && chown 65534:65534 "$ROOT/nb/old"
            setpriv --reuid 65534 --regid 65534 --clear-groups env HOME=/tmp DOTNET_CLI_HOME=/tmp "$(command -v bash)" -c "$(declare -f P)
                for m in 0777 0477; do
                    (umask \$m; P start um --dir '$ROOT/nb/run'\$m -q -- sleep 300); echo \"START_\$m=\$?\"
                    P status um --dir '$ROOT/nb/run'\$m -q; echo \"STATUS_\$m=\$?\"
                    P stop um --dir '$ROOT/nb/run'\$m -q; echo \"STOP_\$m=\$?\"
                done
                P start old --dir '$ROOT/nb/old' -q -- sleep 300; echo \"OLD=\$?\"
                P stop old --dir '$ROOT/nb/old' -q
                " 2>&1
            echo "MODE_0777=$(stat -c %a "$ROOT/nb/run0777")"
            echo "MODE_0477=$(stat -c %a "$ROOT/nb/run0477")"
            echo "MODE_OLD=$(stat -c %a "$ROOT/nb/old")"
            """);
        foreach (string m in new[] { "0777", "0477" })
        {
            AssertValue(o, "START_" + m, "0");
            AssertValue(o, "STATUS_" + m, "0");
            AssertValue(o, "STOP_" + m, "0");
            AssertValue(o, "MODE_" + m, "700");
        }
        AssertValue(o, "OLD", "0");
        AssertValue(o, "MODE_OLD", "700");
    }

    [Fact]
    public void Root_manages_a_daemon_in_another_users_runtime_directory()
    {
        RequireRoot();
        string o = Run("""
            OTHER="$ROOT/pidguard-65534"
            P start theirs --dir "$OTHER" -- sleep 300 >/dev/null
            chown -R 65534:65534 "$OTHER"
            P status theirs --dir "$OTHER"; echo "STATUS=$?"
            P list --dir "$OTHER"
            P stop theirs --dir "$OTHER"; echo "STOP=$?"
            chmod 777 "$OTHER"
            P status theirs --dir "$OTHER" 2>&1; echo "OPEN=$?"
            """);
        // The daemon's processes run as root here (started before the chown): root refuses to act for uid 65534's files on them.
        Assert.Equal("0", Value(o, "STATUS"));
        Assert.Matches(@"theirs\s+running", o);
        Assert.Equal("1", Value(o, "STOP"));
        Assert.Contains("runs as uid 0, but the runtime directory", o, StringComparison.Ordinal);
        Assert.Equal("4", Value(o, "OPEN"));
    }

    [Fact]
    public void Root_stops_and_signals_a_daemon_of_that_user_in_its_directory()
    {
        RequireRoot();
        string o = Run("""
            OTHER="$ROOT/pidguard-65534"
            mkdir -m 700 "$OTHER" && chown 65534:65534 "$OTHER"
            chmod 755 "$ROOT"
            setpriv --reuid 65534 --regid 65534 --clear-groups env HOME=/tmp DOTNET_CLI_HOME=/tmp "$(command -v bash)" -c "$(declare -f P); P start theirs --dir '$OTHER' -- sh -c 'trap \"echo got-hup\" HUP; while :; do sleep 0.05; done'"; echo "THEIR_START=$?"
            P status theirs --dir "$OTHER"; echo "STATUS=$?"
            P list --dir "$OTHER"
            P signal theirs HUP --dir "$OTHER"; echo "SIGNAL=$?"
            waitfor "$OTHER/theirs.log" got-hup
            P stop theirs --dir "$OTHER"; echo "STOP=$?"
            P status theirs --dir "$OTHER"; echo "AFTER=$?"
            """);
        Assert.Equal("0", Value(o, "THEIR_START"));
        Assert.Equal("0", Value(o, "STATUS"));
        Assert.DoesNotContain("state unknown", o, StringComparison.Ordinal);
        Assert.Matches(@"theirs\s+running", o);
        Assert.Equal("0", Value(o, "SIGNAL"));
        Assert.Equal("0", Value(o, "STOP"));
        Assert.Equal("3", Value(o, "AFTER"));
    }
}
