using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>Removing a dead daemon's files: only under the lock, only regular files of ours, never a live legacy PID.</summary>
public class StaleFilesTests : IDisposable
{
    private readonly TestDir _dir = new();
    private readonly IPlatform _p = Platforms.Current;

    public void Dispose() => _dir.Dispose();

    private DaemonPaths Leftovers(string name, int pid)
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        var paths = _dir.Paths(name);
        File.WriteAllText(paths.PidFile, $"{pid}\n");
        File.WriteAllText(paths.StateFile, $"{{\"name\":\"{name}\",\"pid\":{pid}}}");
        return paths;
    }

    [Fact]
    public void Nothing_is_removed_while_another_open_file_description_holds_the_lock()
    {
        var paths = Leftovers("held", InstanceLockTests.DeadPid());
        using var holder = LockFile.TryLockExclusive(_p, paths.LockFile)!;
        Assert.False(StaleFiles.TryClean(_p, paths, out _));
        Assert.True(File.Exists(paths.PidFile));
        Assert.True(File.Exists(paths.StateFile));
    }

    [Fact]
    public void With_the_lock_free_both_files_are_removed_the_lock_file_kept_and_the_lock_left_free()
    {
        var paths = Leftovers("free", InstanceLockTests.DeadPid());
        using (LockFile.TryLockExclusive(_p, paths.LockFile)!)
        {
        }
        Assert.True(StaleFiles.TryClean(_p, paths, out _));
        Assert.False(File.Exists(paths.PidFile));
        Assert.False(File.Exists(paths.StateFile));
        Assert.True(File.Exists(paths.LockFile));
        Assert.False(LockFile.IsHeld(_p, paths.LockFile));
    }

    [Fact]
    public void The_cleanup_holds_the_lock_while_it_removes_the_files()
    {
        var paths = Leftovers("during", InstanceLockTests.DeadPid());
        using (LockFile.TryLockExclusive(_p, paths.LockFile)!)
        {
        }
        bool? heldDuringUnlink = null;
        var spy = new UnlinkSpy(path => heldDuringUnlink ??= LockFile.IsHeld(Platforms.Current, paths.LockFile));
        Assert.True(StaleFiles.TryClean(spy, paths, out _));
        Assert.True(heldDuringUnlink);
        Assert.False(LockFile.IsHeld(_p, paths.LockFile));
    }

    [Fact]
    public void A_legacy_pid_file_of_a_dead_process_is_removed()
    {
        var paths = Leftovers("legacy-dead", InstanceLockTests.DeadPid());
        Assert.True(StaleFiles.TryClean(_p, paths, out _));
        Assert.False(File.Exists(paths.PidFile));
        Assert.False(File.Exists(paths.StateFile));
        Assert.False(File.Exists(paths.LockFile)); // the cleanup creates no lock file
    }

    [Fact]
    public void Files_whose_state_proves_a_live_program_are_kept_even_without_a_lock_holder()
    {
        // Our own unreaped child: its PID cannot be reused while the test runs, and it is killed through its handle.
        using var child = System.Diagnostics.Process.Start("sleep", "60");
        try
        {
            var paths = Leftovers("live", child.Id);
            var record = new DaemonStateRecord { Name = "live", Pid = child.Id, BootId = ProcessIdentity.BootId };
            for (int i = 0; i < 100 && record.StartToken is null; i++, Thread.Sleep(10))
                record.StartToken = ProcessIdentity.GetStartToken(child.Id);
            File.WriteAllText(paths.StateFile, System.Text.Json.JsonSerializer.Serialize(record, StateJsonContext.Default.DaemonStateRecord));
            Assert.Equal(child.Id, Predecessor.LivePid(record, _p));
            Assert.False(StaleFiles.TryClean(_p, paths, out var why));
            Assert.Null(why);
            Assert.True(File.Exists(paths.PidFile));
            Assert.True(File.Exists(paths.StateFile));
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
        }
    }

    [Fact]
    public void A_legacy_pid_file_of_a_live_process_is_kept()
    {
        var paths = Leftovers("legacy-live", Environment.ProcessId);
        File.Delete(paths.StateFile); // legacy: a pid file alone, no lock file, no state file
        Assert.False(StaleFiles.TryClean(_p, paths, out _));
        Assert.True(File.Exists(paths.PidFile));
    }

    [Fact]
    public void A_legacy_pid_file_with_garbage_is_removed()
    {
        var paths = Leftovers("legacy-garbage", 2);
        File.WriteAllText(paths.PidFile, "garbage\n");
        Assert.True(StaleFiles.TryClean(_p, paths, out _));
        Assert.False(File.Exists(paths.PidFile));
    }

    [Fact]
    public void Missing_files_count_as_cleaned()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        Assert.True(StaleFiles.TryClean(_p, _dir.Paths("nothing"), out _));
    }

    [Fact]
    public void A_pid_file_that_is_not_a_regular_file_is_kept_and_reported()
    {
        var paths = Leftovers("dir", InstanceLockTests.DeadPid());
        File.Delete(paths.PidFile);
        Directory.CreateDirectory(paths.PidFile);
        Assert.False(StaleFiles.TryClean(_p, paths, out _));
        Assert.True(Directory.Exists(paths.PidFile));
        Assert.False(File.Exists(paths.StateFile)); // the state file is still cleaned
    }

    [Fact]
    public void A_state_file_that_is_a_symbolic_link_is_left_alone()
    {
        var paths = Leftovers("link", InstanceLockTests.DeadPid());
        using (LockFile.TryLockExclusive(_p, paths.LockFile)!)
        {
        }
        string target = Path.Join(_dir.Root, "target.json");
        File.WriteAllText(target, "keep");
        File.Delete(paths.StateFile);
        File.CreateSymbolicLink(paths.StateFile, target);
        Assert.True(StaleFiles.TryClean(_p, paths, out _));
        Assert.False(File.Exists(paths.PidFile));
        Assert.NotNull(new FileInfo(paths.StateFile).LinkTarget);
        Assert.Equal("keep", File.ReadAllText(target));
    }

    [Fact]
    public void Files_of_another_user_are_kept()
    {
        Prerequisite.RequireRoot("chown to another user");
        var paths = Leftovers("foreign", InstanceLockTests.DeadPid());
        GiveToNobody(paths.PidFile, paths.StateFile);
        Assert.False(StaleFiles.TryClean(_p, paths, out _));
        Assert.True(File.Exists(paths.PidFile));
        Assert.True(File.Exists(paths.StateFile));
    }

    internal static void GiveToNobody(params string[] paths)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("chown") { ArgumentList = { "65534:65534" } };
        foreach (string path in paths)
            psi.ArgumentList.Add(path);
        using var chown = System.Diagnostics.Process.Start(psi)!;
        Assert.True(chown.WaitForExit(30_000), "chown did not exit");
        Assert.Equal(0, chown.ExitCode);
    }

    /// <summary>Calls back at each unlink, before it happens.</summary>
    private sealed class UnlinkSpy(Action<string> before) : DelegatingPlatform
    {
        public override bool Unlink(string path)
        {
            before(path);
            return base.Unlink(path);
        }
    }
}
