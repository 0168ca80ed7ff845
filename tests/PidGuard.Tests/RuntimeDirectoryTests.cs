using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests;

public class RuntimeDirectoryTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Resolve(string? explicitDir, uint uid, Dictionary<string, string> env, params string[] existingDirsOwnedByUid) =>
        RuntimeDirectory.Resolve(explicitDir, uid, linux: true, k => env.GetValueOrDefault(k),
            p => existingDirsOwnedByUid.Contains(p) ? new FileStatus(1, 1, UnixConstants.SIfDir | 0x1C0, uid, 0) : null);

    [Fact]
    public void Resolution_order_is_explicit_env_root_xdg_runuser_tmp()
    {
        var all = new Dictionary<string, string> { ["PIDGUARD_RUNTIME_DIR"] = "/env/dir", ["XDG_RUNTIME_DIR"] = "/xdg", ["TMPDIR"] = "/mytmp" };
        Assert.Equal("/explicit", Resolve("/explicit", 1000, all));
        Assert.Equal("/env/dir", Resolve(null, 1000, all));
        all.Remove("PIDGUARD_RUNTIME_DIR");
        Assert.Equal("/run/pidguard", Resolve(null, 0, all));
        Assert.Equal("/xdg/pidguard", Resolve(null, 1000, all, "/run/user/1000"));
        all.Remove("XDG_RUNTIME_DIR");
        Assert.Equal("/run/user/1000/pidguard", Resolve(null, 1000, all, "/run/user/1000"));
        Assert.Equal("/mytmp/pidguard-1000", Resolve(null, 1000, all));
        all.Remove("TMPDIR");
        Assert.Equal("/tmp/pidguard-1000", Resolve(null, 1000, all));
    }

    [Fact]
    public void Run_user_directory_owned_by_someone_else_is_skipped()
    {
        string got = RuntimeDirectory.Resolve(null, 1000, linux: true, _ => null,
            p => p == "/run/user/1000" ? new FileStatus(1, 1, UnixConstants.SIfDir | 0x1C0, 0, 0) : null);
        Assert.Equal("/tmp/pidguard-1000", got);
    }

    [Fact]
    public void Relative_XDG_RUNTIME_DIR_is_ignored() =>
        Assert.Equal("/tmp/pidguard-5", Resolve(null, 5, new() { ["XDG_RUNTIME_DIR"] = "relative" }));

    [Fact]
    public void Ensure_creates_the_directory_0700()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        Assert.Equal(Convert.ToInt32("700", 8), (int)File.GetUnixFileMode(_dir.Runtime));
        RuntimeDirectory.Ensure(_dir.Runtime); // an existing good directory is fine
    }

    [Fact]
    public void Ensure_refuses_a_symlink_and_names_it()
    {
        string real = Path.Join(_dir.Root, "real");
        Directory.CreateDirectory(real, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateSymbolicLink(_dir.Runtime, real);
        var e = Assert.Throws<PidGuardException>(() => RuntimeDirectory.Ensure(_dir.Runtime));
        Assert.Contains(_dir.Runtime, e.Message, StringComparison.Ordinal);
        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
        Assert.Equal(_dir.Runtime, e.FilePath);
    }

    [Fact]
    public void Ensure_refuses_a_group_or_world_writable_directory_without_changing_it()
    {
        Directory.CreateDirectory(_dir.Runtime);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.OtherRead;
        File.SetUnixFileMode(_dir.Runtime, mode);
        var e = Assert.Throws<PidGuardException>(() => _dir.Acquire("x"));
        Assert.Contains("world-writable", e.Message, StringComparison.Ordinal);
        Assert.Contains(_dir.Runtime, e.Message, StringComparison.Ordinal);
        Assert.Equal(mode, File.GetUnixFileMode(_dir.Runtime));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Runtime));
    }

    [Fact]
    public void Ensure_refuses_a_file_in_place_of_the_directory()
    {
        File.WriteAllText(_dir.Runtime, "not a dir");
        var e = Assert.Throws<PidGuardException>(() => RuntimeDirectory.Ensure(_dir.Runtime));
        Assert.Contains("regular file, not a directory", e.Message, StringComparison.Ordinal);
        Assert.Equal("not a dir", File.ReadAllText(_dir.Runtime));
    }

    [Fact]
    public void Ensure_does_not_create_missing_parents()
    {
        string deep = Path.Join(_dir.Root, "missing", "run");
        var e = Assert.Throws<PidGuardException>(() => RuntimeDirectory.Ensure(deep));
        Assert.Contains("parent", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Join(_dir.Root, "missing")));
    }

    [Fact]
    public void Ensure_refuses_a_directory_owned_by_another_user()
    {
        Prerequisite.RequireRoot("chown a directory to another user");
        Directory.CreateDirectory(_dir.Runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var chown = BoundedProcess.Run(new System.Diagnostics.ProcessStartInfo("chown", ["65534", _dir.Runtime]), TimeSpan.FromSeconds(30), "chown");
        Assert.True(chown.ExitCode == 0, chown.Stderr);
        var e = Assert.Throws<PidGuardException>(() => RuntimeDirectory.Ensure(_dir.Runtime));
        Assert.Contains("owned by uid 65534", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_are_built_from_name_and_directory()
    {
        var p = DaemonPaths.For("web", "/srv/run");
        Assert.Equal("/srv/run/web.lock", p.LockFile);
        Assert.Equal("/srv/run/web.pid", p.PidFile);
        Assert.Equal("/srv/run/web.json", p.StateFile);
        Assert.Throws<ArgumentException>(() => DaemonPaths.For("bad/name", "/srv/run"));
    }
}
