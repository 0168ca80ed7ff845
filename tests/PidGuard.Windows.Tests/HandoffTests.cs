using PidGuard.Windows.Tests.Helpers;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests;

/// <summary>
/// InstanceLock.HandOffAsync on Windows, where a lock cannot be inherited: the name passes to the
/// child by the lock file's two byte ranges (docs/PROTOCOL.md), through the public API.
/// </summary>
public sealed class HandoffTests : IDisposable
{
    private const string Name = "web";
    private readonly TestDir _dir = new();

    private PidGuardOptions Options => new() { RuntimeDirectory = _dir.File("run") };

    public void Dispose() => _dir.Dispose();

    private InstanceLock Acquire() => InstanceLock.Acquire(Name, Options, cancellationToken: TestContext.Current.CancellationToken);

    private static DaemonStartInfo Helper(params string[] arguments) => new(Environment.ProcessPath!, [HelperMain.Flag, .. arguments]);

    [Fact]
    public async Task The_child_adopts_the_name_and_the_parent_no_longer_holds_it()
    {
        using var adopted = new Signal("adopted");
        HandOffResult result;
        using (var parent = Acquire())
        {
            result = await parent.HandOffAsync(Helper("adopt-hold", adopted.Name), Bounds.Step, TestContext.Current.CancellationToken);
            Assert.Equal(LockOwnership.Handoff, parent.Ownership);
        }
        Assert.True(adopted.Wait(Bounds.Step), "the child never adopted the name");
        Assert.Equal(result.ChildPid, result.OwnerPid);

        // The parent let go (and disposed): the child alone holds the name.
        var conflict = Assert.Throws<AlreadyRunningException>(() => Acquire());
        Assert.Equal(result.ChildPid, conflict.OwnerPid);
        Assert.Equal(DaemonState.Running, DaemonProbe.GetStatus(Name, Options).State);

        var outcome = await DaemonStopper.StopAsync(Name, StopSchedule.Parse("TERM/1/KILL/5"), options: Options, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(StopResult.Killed, outcome.Result);
        using var next = Acquire();
    }

    [Fact]
    public async Task A_child_that_exits_without_adopting_leaves_the_parent_holding_the_name()
    {
        using var parent = Acquire();

        var error = await Assert.ThrowsAsync<PidGuardException>(() =>
            parent.HandOffAsync(Helper("exit", "7"), Bounds.Step, TestContext.Current.CancellationToken));

        Assert.Contains("before it adopted the lock", error.Message, StringComparison.Ordinal);
        Assert.Equal(LockOwnership.WriteOwner, parent.Ownership);
        var conflict = Assert.Throws<AlreadyRunningException>(() => Acquire());
        Assert.Equal(Environment.ProcessId, conflict.OwnerPid);
    }
}
