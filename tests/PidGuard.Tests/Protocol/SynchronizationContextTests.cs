using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// The async API never resumes on the caller's synchronization context: a caller that blocks on it
/// from a UI-like thread (whose context runs nothing while it blocks) does not deadlock.
/// </summary>
public sealed class SynchronizationContextTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>A context that never runs what is posted to it, like a UI thread blocked on a task.</summary>
    private sealed class BlockedContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
        }
    }

    private static T BlockOn<T>(Func<Task<T>> start)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new BlockedContext());
        try
        {
            var task = start();
            Assert.True(task.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "the call resumed on the blocked context: deadlock");
            return task.Result;
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    [Fact]
    public void A_waiting_AcquireAsync_and_TryAcquireAsync_do_not_resume_on_the_callers_context()
    {
        var first = _dir.Acquire("ctx");
        _ = Task.Delay(100, TestContext.Current.CancellationToken).ContinueWith(_ => first.Dispose(), TaskScheduler.Default);
        using (var second = BlockOn(() => InstanceLock.AcquireAsync("ctx", _dir.Options(), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken).AsTask()))
            Assert.Equal(Environment.ProcessId, second.ProcessId);
        var third = _dir.Acquire("ctx");
        _ = Task.Delay(100, TestContext.Current.CancellationToken).ContinueWith(_ => third.Dispose(), TaskScheduler.Default);
        using var fourth = BlockOn(() => InstanceLock.TryAcquireAsync("ctx", _dir.Options(), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken).AsTask());
        Assert.NotNull(fourth);
    }

    [Fact]
    public void A_failing_HandOffAsync_does_not_resume_on_the_callers_context()
    {
        using var held = _dir.Acquire("ctxhand");
        var child = new DaemonStartInfo("false") { StandardOutput = DaemonStdio.Null, StandardError = DaemonStdio.Null };
        var e = Assert.Throws<AggregateException>(() => BlockOn(() => held.HandOffAsync(child, TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken)));
        Assert.IsType<PidGuardException>(e.InnerException);
    }
}
