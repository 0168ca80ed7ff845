using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>Creating and checking the runtime directory: 0700 whatever the umask, races named, a network file system warned about once.</summary>
public sealed class RuntimeDirectoryCreationTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static int ModeOf(string path) => (int)File.GetUnixFileMode(path);

    [Fact]
    public void A_directory_created_under_a_restrictive_umask_gets_mode_0700()
    {
        string path = Path.Join(_dir.Root, "umask");
        var spy = new Umask0277();
        Assert.Equal(path, RuntimeDirectory.Ensure(path, spy, null));
        Assert.Equal(Convert.ToInt32("700", 8), ModeOf(path));
        Assert.Equal(1, spy.FChmods);
    }

    [Fact]
    public void A_directory_created_0700_is_not_changed_again()
    {
        var spy = new Umask0277(asked: true);
        RuntimeDirectory.Ensure(Path.Join(_dir.Root, "plain"), spy, null);
        Assert.Equal(0, spy.FChmods);
    }

    [Fact]
    public void A_directory_someone_else_created_in_between_is_checked_not_changed()
    {
        string path = Path.Join(_dir.Root, "raced");
        var spy = new Umask0277(preempted: true);
        var e = Assert.Throws<PidGuardException>(() => RuntimeDirectory.Ensure(path, spy, null));
        Assert.Contains("group- or world-writable", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, spy.FChmods);
        Assert.Equal(Convert.ToInt32("777", 8), ModeOf(path));
    }

    [Fact]
    public void A_just_created_directory_that_is_not_ours_is_left_as_it_is_and_refused()
    {
        // Race: another user's directory took the path between mkdir and open: neither fchmod nor the
        // owner-access repair by path touches it, and it is refused.
        var spy = new Umask0277(foreignOwner: true);
        string path = Path.Join(_dir.Root, "notours");
        var e = Assert.Throws<PidGuardException>(() => RuntimeDirectory.Ensure(path, spy, null));
        Assert.Contains("not by the current user", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, spy.FChmods);
        Assert.Equal(0, spy.Chmods);
        Assert.Equal(Convert.ToInt32("500", 8), ModeOf(path));
    }

    [Fact]
    public void A_directory_that_vanishes_while_it_is_created_is_an_error()
    {
        string path = Path.Join(_dir.Root, "vanishing");
        var e = Assert.Throws<PidGuardException>(() => RuntimeDirectory.Ensure(path, new Vanishing(path), null));
        Assert.Equal($"Runtime directory '{path}' vanished while it was being created.", e.Message);
    }

    [Fact]
    public void A_runtime_directory_that_cannot_be_examined_is_unusable_and_Inspect_says_it_exists()
    {
        string path = Path.Join(_dir.Root, "eio");
        var failing = new FailingLStat(path);
        Assert.StartsWith($"Runtime directory '{path}' is not usable: lstat '{path}' failed", Assert.Throws<PidGuardException>(() => RuntimeDirectory.Ensure(path, failing, null)).Message, StringComparison.Ordinal);
        var (exists, problem) = RuntimeDirectory.Inspect(path, failing);
        Assert.True(exists);
        Assert.StartsWith($"Runtime directory '{path}' is not usable: lstat '{path}' failed", problem, StringComparison.Ordinal);
        Assert.Equal((false, (string?)null), RuntimeDirectory.Inspect(path, Platforms.Current));
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal((true, (string?)null), RuntimeDirectory.Inspect(path + "/", Platforms.Current));
    }

    [Fact]
    public void A_runtime_directory_on_a_network_file_system_is_warned_about_once_per_path_and_only_with_a_logger()
    {
        string path = Path.Join(_dir.Root, "nfs");
        var nfs = new OnNfs();
        RuntimeDirectory.Ensure(path, nfs, null);
        Assert.Equal(0, nfs.Asked); // nobody to tell: not even looked up, and not marked as warned
        var log = new CapturingLogger();
        RuntimeDirectory.Ensure(path, nfs, log);
        RuntimeDirectory.Ensure(path, nfs, log);
        Assert.Equal(1, nfs.Asked);
        var (level, message) = Assert.Single(log.Entries);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, level);
        Assert.Contains(path, message, StringComparison.Ordinal);
        Assert.Contains("nfs4", message, StringComparison.Ordinal);
        var local = new CapturingLogger();
        RuntimeDirectory.Ensure(Path.Join(_dir.Root, "local"), Platforms.Current, local);
        Assert.Empty(local.Entries);
    }

    /// <summary>mkdir as under umask 0277 (mode 0500), optionally beaten by another process or reporting a foreign owner.</summary>
    private sealed class Umask0277(bool asked = false, bool preempted = false, bool foreignOwner = false) : DelegatingPlatform
    {
        public int FChmods { get; private set; }

        public override bool MkDir(string path, int mode)
        {
            if (preempted)
            {
                Directory.CreateDirectory(path);
                File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("777", 8));
                return false;
            }
            return base.MkDir(path, asked ? mode : Convert.ToInt32("500", 8));
        }

        public int Chmods { get; private set; }

        public override FileStatus FStat(SafeFd fd, string path)
        {
            var st = base.FStat(fd, path);
            return foreignOwner ? st with { OwnerUid = st.OwnerUid + 1 } : st;
        }

        public override FileStatus? LStat(string path) =>
            base.LStat(path) is { IsDirectory: true } st && foreignOwner ? st with { OwnerUid = st.OwnerUid + 1 } : base.LStat(path);

        public override void FChmod(SafeFd fd, int mode, string path)
        {
            FChmods++;
            base.FChmod(fd, mode, path);
        }

        public override void Chmod(string path, int mode)
        {
            Chmods++;
            base.Chmod(path, mode);
        }
    }

    private sealed class Vanishing(string dir) : DelegatingPlatform
    {
        public override FileStatus? LStat(string path) => path == dir ? null : base.LStat(path);

        public override bool MkDir(string path, int mode) => false;
    }

    private sealed class FailingLStat(string dir) : DelegatingPlatform
    {
        public override FileStatus? LStat(string path) => path == dir ? throw new UnixIOException(5, "lstat", path) : base.LStat(path);
    }

    private sealed class OnNfs : DelegatingPlatform
    {
        public int Asked { get; private set; }

        public override string? NetworkFileSystemName(string path)
        {
            Asked++;
            return "nfs4";
        }
    }
}
