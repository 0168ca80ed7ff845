using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// The handing side of a handoff in-process, with a child that adopts the lock (the test host) or one
/// that exits first. Neither path signals anything: the child either adopts or has already exited.
/// </summary>
public sealed class HandOffTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DaemonStartInfo Child(string program, params string[] args)
    {
        var info = new DaemonStartInfo(program, args) { StandardOutput = DaemonStdio.Null, StandardError = DaemonStdio.Null };
        // The child is a helper, not code under test: keep it out of a mutation run's coverage capture,
        // whose per-process relay files would otherwise outlive it.
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("STRYKER_", StringComparison.Ordinal)).ToList())
            info.Environment[key] = null;
        return info;
    }

    private async Task WaitUntilFree(DaemonPaths paths)
    {
        for (int i = 0; i < 600 && LockFile.IsHeld(Platforms.Current, paths.LockFile) == true; i++)
            await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(LockFile.IsHeld(Platforms.Current, paths.LockFile), "the adopter did not release the lock within 30 s");
    }

    [Fact]
    public async Task A_child_that_adopts_the_lock_owns_it_and_the_files_and_the_parent_lets_go_without_removing_them()
    {
        var log = new CapturingLogger();
        var held = _dir.Acquire("handed", o => o.Logger = log);
        var result = await held.HandOffAsync(
            Child(ChildProcess.Dotnet, ChildProcess.HostDll, "hold", "handed", _dir.Runtime, "--adopt", "--ms", "1000"),
            TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(result.ChildPid, result.OwnerPid);
        Assert.Equal(LockOwnership.Handoff, held.Ownership);
        Assert.True(held.IsReleased);
        Assert.True(held.CheckIntegrity());
        held.Dispose();
        // The handoff returns once the adopter's state file proves it; its pid file follows a moment later.
        string expected = $"{result.ChildPid}\n";
        for (int i = 0; i < 200 && PidFile.Read(held.Paths.PidFile).Pid != result.ChildPid; i++)
            await Task.Delay(10, TestContext.Current.CancellationToken);
        Assert.Equal(expected, await File.ReadAllTextAsync(held.Paths.PidFile, TestContext.Current.CancellationToken));
        var status = DaemonProbe.GetStatus("handed", _dir.Options());
        Assert.Equal(result.ChildPid, status.Pid);
        Assert.True(status.IsIdentityVerified);
        Assert.Contains(log.Entries, e => e.Message == $"Handed the instance lock of handed to PID {result.ChildPid}.");
        await WaitUntilFree(held.Paths);
        Assert.False(File.Exists(held.Paths.PidFile)); // the adopter removed its files
    }

    [Fact]
    public async Task A_child_that_exits_before_adopting_fails_the_handoff_and_the_parent_keeps_the_lock_alone()
    {
        using var held = _dir.Acquire("exits");
        var e = await Assert.ThrowsAsync<PidGuardException>(() => held.HandOffAsync(Child("false"), TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        Assert.Matches(@"^The child \(PID \d+\) of 'exits' exited \(code 1\) before it adopted the lock\.$", e.Message);
        Assert.Equal(LockOwnership.WriteOwner, held.Ownership);
        Assert.False(held.IsReleased);
        Assert.True(held.CheckIntegrity());
        Assert.Equal($"{Environment.ProcessId}\n", await File.ReadAllTextAsync(held.Paths.PidFile, TestContext.Current.CancellationToken));
        Assert.Equal([Environment.ProcessId], Platforms.Current.FindLockHolders(Platforms.Current.LStat(held.Paths.LockFile)!.Value));
        held.UpdateState(s => s.Status = "still the writer");
    }

    [Fact]
    public async Task A_handoff_of_a_released_lock_or_without_a_program_is_refused()
    {
        var held = _dir.Acquire("refused");
        await Assert.ThrowsAsync<ArgumentNullException>(() => held.HandOffAsync(null!, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));
        held.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => held.HandOffAsync(Child("true"), TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));
    }
}
