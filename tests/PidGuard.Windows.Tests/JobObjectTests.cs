using PidGuard.Platform;
using PidGuard.Platform.Windows;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests;

/// <summary>A job holds the whole tree: what stop's KILL ends, and what dies with a supervisor.</summary>
public sealed class JobObjectTests
{
    private static IReadOnlyList<int> WaitForMembers(WindowsJob job, int count)
    {
        IReadOnlyList<int> members = [];
        Assert.True(Backoff.WaitUntil(() => (members = job.ProcessIds()).Count >= count, Bounds.StepMs, ct: TestContext.Current.CancellationToken),
            $"the job has {members.Count} processes, expected {count}");
        return members;
    }

    private static bool AllGone(IEnumerable<int> pids) =>
        Backoff.WaitUntil(() => pids.All(pid => !WindowsProcessIdentity.IsAlive(pid)), Bounds.StepMs, ct: TestContext.Current.CancellationToken);

    [Fact]
    public void Terminating_the_job_by_name_ends_the_whole_tree()
    {
        string name = WindowsObjectNames.Job(Path.GetTempPath(), "tree-" + Guid.NewGuid().ToString("N")[..8], global: false);
        using var job = WindowsJob.Create(name, killOnClose: false);
        using var ready = new Signal("leaf");
        using var root = HelperProcess.Start(job, "tree", "2", ready.Name);
        Assert.True(ready.Wait(Bounds.Step), "the tree never grew its last process");
        Assert.True(job.Contains(root.Handle));
        var members = WaitForMembers(job, 3);

        using (var stopper = WindowsJob.Open(name))
        {
            Assert.NotNull(stopper);
            stopper.Terminate(143);
        }
        Assert.True(AllGone(members), "a process of the tree survived TerminateJobObject");
        Assert.Equal(143, root.WaitForExitCode());
        Assert.Equal(0, job.ActiveProcessCount);
    }

    [Fact]
    public void Closing_a_kill_on_close_job_ends_the_tree()
    {
        IReadOnlyList<int> members;
        HelperProcess root;
        using var ready = new Signal("leaf");
        using (var job = WindowsJob.Create(null, killOnClose: true))
        {
            root = HelperProcess.Start(job, "tree", "1", ready.Name);
            Assert.True(ready.Wait(Bounds.Step), "the tree never grew its last process");
            members = WaitForMembers(job, 2);
        }
        using (root)
            Assert.True(AllGone(members), "a process of the tree survived the close of its kill-on-close job");
    }

    [Fact]
    public void A_job_nobody_holds_open_cannot_be_opened()
    {
        Assert.Null(WindowsJob.Open(WindowsObjectNames.Job(Path.GetTempPath(), "nobody-" + Guid.NewGuid().ToString("N")[..8], global: false)));
    }
}
