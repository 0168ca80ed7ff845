using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>NAME.lock: opened only when it is a regular file of ours with mode 0600, locked only while the path still names it.</summary>
public sealed class LockFileTests : IDisposable
{
    private readonly TestDir _dir = new();
    private readonly IPlatform _p = Platforms.Current;

    public LockFileTests() => RuntimeDirectory.Ensure(_dir.Runtime);

    public void Dispose() => _dir.Dispose();

    private string LockPath(string name) => _dir.Paths(name).LockFile;

    private static int ModeOf(string path) => (int)File.GetUnixFileMode(path);

    [Fact]
    public void A_hard_linked_lock_file_is_refused_and_its_other_name_left_unchanged()
    {
        string path = LockPath("linked");
        string other = Path.Join(_dir.Root, "other-file");
        File.WriteAllText(other, "keep");
        File.SetUnixFileMode(other, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        using (var ln = System.Diagnostics.Process.Start("ln", [other, path]))
        {
            Assert.True(ln.WaitForExit(30_000));
            Assert.Equal(0, ln.ExitCode);
        }
        var e = Assert.Throws<PidGuardException>(() => LockFile.TryLockExclusive(_p, path));
        Assert.Equal($"Lock file '{path}' has 2 hard links: it is also another file, which PidGuard will not lock or change.", e.Message);
        Assert.Equal("keep", File.ReadAllText(other));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(other));
    }

    [Fact]
    public void A_missing_lock_file_is_created_0600_by_a_holder_and_is_null_to_a_reader()
    {
        string path = LockPath("new");
        Assert.Null(_p.OpenLockFile(path, create: false, out _));
        Assert.Null(LockFile.IsHeld(_p, path));
        Assert.Null(LockFile.TryLockExclusive(_p, path, create: false));
        Assert.False(File.Exists(path));
        using var fd = LockFile.TryLockExclusive(_p, path, out var locked)!;
        Assert.Equal(UnixLockFile.Mode, ModeOf(path));
        Assert.True(locked.SameFileAs(_p.LStat(path)!.Value));
        Assert.True(LockFile.IsHeld(_p, path));
        Assert.Null(LockFile.TryLockExclusive(_p, path));
    }

    [Fact]
    public void A_holder_repairs_a_wrong_mode_and_a_reader_changes_nothing()
    {
        string path = LockPath("mode");
        File.WriteAllText(path, "");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("644", 8));
        Assert.False(LockFile.IsHeld(_p, path));
        Assert.Equal(Convert.ToInt32("644", 8), ModeOf(path));
        using (LockFile.TryLockExclusive(_p, path)!)
            Assert.Equal(UnixLockFile.Mode, ModeOf(path));
    }

    [Fact]
    public void A_lock_file_a_holder_may_not_open_is_given_its_protocol_mode_back_and_opened()
    {
        string path = LockPath("repair");
        File.WriteAllText(path, "");
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        var denied = new DeniedOnce(path);
        using var fd = LockFile.TryLockExclusive(denied, path)!;
        Assert.Equal(2, denied.Opens);
        Assert.Equal(UnixLockFile.Mode, ModeOf(path));
    }

    [Fact]
    public void A_lock_file_already_0600_that_cannot_be_opened_is_an_error_not_a_repair()
    {
        string path = LockPath("denied");
        File.WriteAllText(path, "");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var denied = new DeniedOnce(path);
        var e = Assert.Throws<PidGuardException>(() => LockFile.TryLockExclusive(denied, path));
        Assert.Equal(1, denied.Opens);
        Assert.StartsWith($"Lock file '{path}' cannot be opened: open failed: Permission denied", e.Message, StringComparison.Ordinal);
        // A reader never repairs: it only reads.
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
        Assert.Throws<PidGuardException>(() => new DeniedOnce(path).OpenLockFile(path, create: false, out _));
        Assert.Equal(Convert.ToInt32("400", 8), ModeOf(path));
    }

    [Fact]
    public void A_lock_file_in_a_missing_directory_is_an_error_for_a_holder()
    {
        string path = Path.Join(_dir.Root, "absent", "x.lock");
        var e = Assert.Throws<PidGuardException>(() => LockFile.TryLockExclusive(_p, path));
        Assert.StartsWith($"Lock file '{path}' cannot be opened: open failed: No such file or directory", e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void A_symbolic_link_at_the_lock_path_is_refused_in_so_many_words()
    {
        string path = LockPath("link");
        File.WriteAllText(Path.Join(_dir.Root, "target"), "");
        File.CreateSymbolicLink(path, Path.Join(_dir.Root, "target"));
        Assert.Equal($"Lock file '{path}' is a symbolic link; PidGuard does not follow it.", Assert.Throws<PidGuardException>(() => LockFile.IsHeld(_p, path)).Message);
    }

    [Fact]
    public void A_lock_file_of_another_user_is_refused_and_its_descriptor_closed()
    {
        Prerequisite.RequireRoot("chown to another user");
        string path = LockPath("foreign");
        File.WriteAllText(path, "");
        StaleFilesTests.GiveToNobody(path);
        var spy = new Descriptors();
        var e = Assert.Throws<PidGuardException>(() => LockFile.TryLockExclusive(spy, path));
        Assert.Equal($"Lock file '{path}' is owned by uid 65534, not by the current user (uid {_p.EffectiveUserId}).", e.Message);
        Assert.True(Assert.Single(spy.Opened).IsClosed);
    }

    [Fact]
    public void A_lock_file_that_cannot_be_examined_is_refused_and_its_descriptor_closed()
    {
        string path = LockPath("nostat");
        var spy = new FailingFStat();
        var e = Assert.Throws<PidGuardException>(() => LockFile.TryLockExclusive(spy, path));
        Assert.StartsWith($"Lock file '{path}' cannot be used: fstat '{path}' failed: Input/output error", e.Message, StringComparison.Ordinal);
        Assert.True(Assert.Single(spy.Opened).IsClosed);
    }

    [Fact]
    public void A_lock_held_elsewhere_closes_the_losing_descriptor()
    {
        string path = LockPath("busy");
        using var holder = LockFile.TryLockExclusive(_p, path)!;
        var spy = new Descriptors();
        Assert.Null(LockFile.TryLockExclusive(spy, path));
        Assert.True(Assert.Single(spy.Opened).IsClosed);
    }

    [Fact]
    public void A_flock_failure_is_an_error_naming_the_lock_file_and_closes_the_descriptor()
    {
        string path = LockPath("flock");
        var spy = new FailingLock();
        Assert.StartsWith($"Lock file '{path}' cannot be locked: flock '{path}' failed", Assert.Throws<PidGuardException>(() => LockFile.TryLockExclusive(spy, path)).Message, StringComparison.Ordinal);
        Assert.True(Assert.Single(spy.Opened).IsClosed);
        Assert.StartsWith($"Lock file '{path}' cannot be probed: flock '{path}' failed", Assert.Throws<PidGuardException>(() => LockFile.IsHeld(spy, path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lock_file_replaced_between_open_and_flock_is_retried_sixteen_times_then_refused()
    {
        string path = LockPath("replaced");
        var spy = new AlwaysReplaced(path);
        var e = Assert.Throws<PidGuardException>(() => LockFile.TryLockExclusive(spy, path));
        Assert.Equal($"Lock file '{path}' keeps being replaced while PidGuard locks it.", e.Message);
        Assert.Equal(16, spy.Opened.Count);
        Assert.All(spy.Opened, fd => Assert.True(fd.IsClosed));
    }

    [Fact]
    public void A_lock_file_replaced_once_is_locked_on_the_next_attempt()
    {
        string path = LockPath("once");
        var spy = new AlwaysReplaced(path, times: 1);
        using var fd = LockFile.TryLockExclusive(spy, path)!;
        Assert.Equal(2, spy.Opened.Count);
        Assert.True(spy.Opened[0].IsClosed);
        Assert.Same(spy.Opened[1], fd);
    }

    [Fact]
    public void A_lock_file_removed_after_the_flock_counts_as_replaced()
    {
        string path = LockPath("removed");
        var spy = new AlwaysReplaced(path, times: 1, removed: true);
        using var fd = LockFile.TryLockExclusive(spy, path)!;
        Assert.Equal(2, spy.Opened.Count);
    }

    private class Descriptors : DelegatingPlatform
    {
        public List<SafeFd> Opened { get; } = [];

        public override SafeFd? TryOpen(string path, OpenFlags flags, int mode, out int errno)
        {
            var fd = base.TryOpen(path, flags, mode, out errno);
            if (fd is not null)
                Opened.Add(fd);
            return fd;
        }
    }

    private sealed class DeniedOnce(string lockPath) : DelegatingPlatform
    {
        public int Opens { get; private set; }

        public override SafeFd? TryOpen(string path, OpenFlags flags, int mode, out int errno)
        {
            if (path == lockPath && Opens++ == 0)
            {
                errno = UnixConstants.EAcces; // as a non-root user meets a mode-0400 file
                return null;
            }
            return base.TryOpen(path, flags, mode, out errno);
        }
    }

    private sealed class FailingFStat : Descriptors
    {
        public override FileStatus FStat(SafeFd fd, string path) => throw new UnixIOException(5, "fstat", path);
    }

    private sealed class FailingLock : Descriptors
    {
        public override bool TryLock(SafeFd fd, int operation, string path) => throw new UnixIOException(22, "flock", path);
    }

    /// <summary>After each flock, the path names another inode (or none) for the first <c>times</c> attempts.</summary>
    private sealed class AlwaysReplaced(string lockPath, int times = int.MaxValue, bool removed = false) : Descriptors
    {
        private int _locks;

        public override bool TryLock(SafeFd fd, int operation, string path)
        {
            _locks++;
            return base.TryLock(fd, operation, path);
        }

        public override FileStatus? LStat(string path)
        {
            var st = base.LStat(path);
            if (path != lockPath || st is not { } s || _locks == 0 || _locks > times)
                return st;
            return removed ? null : s with { Inode = s.Inode + 1 };
        }
    }
}
