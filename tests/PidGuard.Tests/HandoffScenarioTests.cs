using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests;

/// <summary>Handoffs whose adopted child is then signalled: inside a PID namespace, like every test that signals.</summary>
public class HandoffScenarioTests : SandboxScenario
{
    [Fact]
    public void Handoff_across_exec_keeps_the_lock_held_after_the_parent_exits()
    {
        string o = Run("""
            H handoff detach "$DIR" > "$ROOT/p.out"; echo "PARENT_EXIT=$?"
            PARENT=$(sed -n 's/^ACQUIRED \([0-9]*\).*/\1/p' "$ROOT/p.out"); CHILD=$(sed -n 's/^HANDED \([0-9]*\) .*/\1/p' "$ROOT/p.out")
            echo "PARENT=$PARENT"; echo "CHILD=$CHILD"; echo "HOW=$(sed -n 's/^HANDED [0-9]* //p' "$ROOT/p.out")"
            alive "$PARENT" PARENT
            H status detach "$DIR"
            H try detach "$DIR"
            echo "PIDFILE=$(cat "$DIR/detach.pid")"
            kill -9 "$CHILD"; waituntil 10 gone "$CHILD"
            H status detach "$DIR"
            H try detach "$DIR"
            """);
        string child = Value(o, "CHILD");
        Assert.Equal("0", Value(o, "PARENT_EXIT"));
        Assert.NotEqual(Value(o, "PARENT"), child);
        Assert.Equal("Handoff", Value(o, "HOW"));
        Assert.Contains("DEAD PARENT", o, StringComparison.Ordinal);
        var statuses = Lines(o, "STATUS ");
        Assert.StartsWith($"STATUS Running pid={child} verified=True", statuses[0], StringComparison.Ordinal);
        Assert.Equal($"LOST {child}", Lines(o, "LOST ").Single());
        Assert.Equal(child, Value(o, "PIDFILE"));
        Assert.StartsWith("STATUS Stale", statuses[1], StringComparison.Ordinal);
        Assert.Single(Lines(o, "WON "));
    }

    [Fact]
    public void A_hosted_worker_adopts_a_lock_handed_off_through_PIDGUARD_LOCK_FD_and_is_stopped_by_proof()
    {
        string o = Run($"""
            H handoff-cmd worker "$DIR" '{ChildProcess.Dotnet}' '{ChildProcess.WorkerDll}' > "$ROOT/p.out"; echo "CODE=$?"
            echo "WORKER=$(sed -n 's/^HANDED \([0-9]*\) .*/\1/p' "$ROOT/p.out")"
            H status worker "$DIR"
            H stop worker "$DIR" TERM/10/KILL/5
            ls "$DIR"
            """);
        string worker = Value(o, "WORKER");
        Assert.Equal("0", Value(o, "CODE"));
        Assert.StartsWith($"STATUS Running pid={worker} verified=True", Lines(o, "STATUS ").Single(), StringComparison.Ordinal);
        Assert.StartsWith($"OUTCOME Terminated pid={worker}", Lines(o, "OUTCOME ").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("worker.pid", o, StringComparison.Ordinal);
    }
}
