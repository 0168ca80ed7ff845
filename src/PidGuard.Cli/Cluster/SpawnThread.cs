using System.Collections.Concurrent;

namespace PidGuard.Cli.Cluster;

/// <summary>
/// One thread that lives as long as the supervisor and starts every program. Linux sends the
/// parent-death signal (<see cref="FencedExec"/>) when the *thread* that created the child ends, not
/// the process: a program started from a thread-pool thread would be killed when that thread retires.
/// So this thread is never ended: it lives until the process exits.
/// </summary>
internal sealed class SpawnThread
{
    private readonly BlockingCollection<Action> _work = new();

    public SpawnThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var action in _work.GetConsumingEnumerable())
                action();
        })
        { IsBackground = true, Name = "pidguard-spawn" };
        thread.Start();
    }

    /// <summary>Runs <paramref name="start"/> on the spawn thread and returns its result (or throws its exception).</summary>
    public T Run<T>(Func<T> start)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(start());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task.GetAwaiter().GetResult();
    }
}
