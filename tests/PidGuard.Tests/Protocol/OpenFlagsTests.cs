using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// The flags every protocol file is opened with: never following a link planted at the path, never
/// blocking on a FIFO planted there, never leaking the descriptor into a program started meanwhile.
/// </summary>
public sealed class OpenFlagsTests : IDisposable
{
    private readonly TestDir _dir = new();
    private readonly OpenSpy _spy = new();

    public OpenFlagsTests() => RuntimeDirectory.Ensure(_dir.Runtime);

    public void Dispose() => _dir.Dispose();

    private OpenFlags FlagsOf(string path) => Assert.Single(_spy.Opens, o => o.Path == path).Flags;

    [Fact]
    public void The_pid_file_is_read_only_without_following_links_or_blocking_and_closed_on_exec()
    {
        var paths = _dir.Paths("pid");
        File.WriteAllText(paths.PidFile, "42\n");
        PidFile.Read(paths.PidFile, _spy);
        Assert.Equal(OpenFlags.ReadOnly | OpenFlags.CloseOnExec | OpenFlags.NoFollow | OpenFlags.NonBlocking, FlagsOf(paths.PidFile));
    }

    [Fact]
    public void The_state_file_is_read_only_without_following_links_or_blocking_and_closed_on_exec()
    {
        var paths = _dir.Paths("state");
        File.WriteAllText(paths.StateFile, "{\"pid\":42}");
        StateFile.Read(paths.StateFile, _spy, out _);
        Assert.Equal(OpenFlags.ReadOnly | OpenFlags.CloseOnExec | OpenFlags.NoFollow | OpenFlags.NonBlocking, FlagsOf(paths.StateFile));
    }

    [Fact]
    public void The_lock_file_is_created_read_write_and_probed_read_only_never_following_links_or_blocking()
    {
        var paths = _dir.Paths("lock");
        using (LockFile.TryLockExclusive(_spy, paths.LockFile)!)
        {
        }
        Assert.Equal(OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.CloseOnExec | OpenFlags.NoFollow | OpenFlags.NonBlocking, FlagsOf(paths.LockFile));
        Assert.Equal(UnixLockFile.Mode, Assert.Single(_spy.Opens).Mode);
        _spy.Opens.Clear();
        Assert.False(LockFile.IsHeld(_spy, paths.LockFile));
        Assert.Equal(OpenFlags.ReadOnly | OpenFlags.CloseOnExec | OpenFlags.NoFollow | OpenFlags.NonBlocking, FlagsOf(paths.LockFile));
    }

    [Fact]
    public void A_temp_file_is_created_exclusively_write_only_never_following_links_and_closed_on_exec()
    {
        var paths = _dir.Paths("atomic");
        UnixAtomicFile.Write(_spy, paths.PidFile, paths.PidTempFile, "42\n"u8, 0x1A4, sync: false);
        var open = Assert.Single(_spy.Opens);
        Assert.Equal(paths.PidTempFile, open.Path);
        Assert.Equal(OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow | OpenFlags.CloseOnExec, open.Flags);
    }

    [Fact]
    public void A_created_runtime_directory_is_reopened_as_a_directory_without_following_links()
    {
        string dir = Path.Join(_dir.Root, "created");
        RuntimeDirectory.Ensure(dir, _spy, null);
        var open = Assert.Single(_spy.Opens);
        Assert.Equal(dir, open.Path);
        Assert.Equal(OpenFlags.ReadOnly | OpenFlags.Directory | OpenFlags.NoFollow | OpenFlags.CloseOnExec, open.Flags);
    }

    [Fact]
    public async Task A_FIFO_planted_at_the_pid_state_or_lock_path_never_blocks_a_reader()
    {
        var paths = _dir.Paths("fifo");
        foreach (string path in new[] { paths.PidFile, paths.StateFile, paths.LockFile })
            Assert.Equal(0, Mkfifo(path));
        var readers = Task.Run(() =>
        {
            var pid = PidFile.Read(paths.PidFile);
            var state = StateFile.Read(paths.StateFile, Platforms.Current, out string? problem);
            var e = Assert.Throws<PidGuardException>(() => LockFile.IsHeld(Platforms.Current, paths.LockFile));
            return (pid, state, problem, e.Message);
        }, TestContext.Current.CancellationToken);
        var (pidFile, record, stateProblem, lockProblem) = await readers.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(PidFileKind.NotRegularFile, pidFile.Kind);
        Assert.Equal($"pid file '{paths.PidFile}' is a FIFO, not a regular file", pidFile.Reason);
        Assert.Null(record);
        Assert.Equal($"state file '{paths.StateFile}' is a FIFO", stateProblem);
        Assert.Equal($"Lock file '{paths.LockFile}' is a FIFO, not a regular file.", lockProblem);
    }

    private static int Mkfifo(string path)
    {
        using var p = System.Diagnostics.Process.Start("mkfifo", [path]);
        Assert.True(p.WaitForExit(30_000), "mkfifo did not exit");
        return p.ExitCode;
    }

    private sealed class OpenSpy : DelegatingPlatform
    {
        public List<(string Path, OpenFlags Flags, int Mode)> Opens { get; } = [];

        public override SafeFd? TryOpen(string path, OpenFlags flags, int mode, out int errno)
        {
            Opens.Add((path, flags, mode));
            return base.TryOpen(path, flags, mode, out errno);
        }

        public override SafeFd Open(string path, OpenFlags flags, int mode)
        {
            Opens.Add((path, flags, mode));
            return base.Open(path, flags, mode);
        }
    }
}
