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
}
