using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>The atomic write: exact mode, fsync when asked, one retry over a crashed writer's temp file, no temp file left on failure.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TestDir _dir = new();
    private readonly string _target;
    private readonly string _temp;

    public AtomicFileTests()
    {
        RuntimeDirectory.Ensure(_dir.Runtime);
        _target = Path.Join(_dir.Runtime, "t.pid");
        _temp = Path.Join(_dir.Runtime, ".t.pid.tmp");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_file_gets_exactly_the_mode_asked_whatever_the_umask()
    {
        var spy = new Spy { CreateMode = 0 };
        var written = UnixAtomicFile.Write(spy, _target, _temp, "42\n"u8, 0x1A4, sync: false);
        Assert.Equal(0x1A4, (int)File.GetUnixFileMode(_target));
        Assert.True(written.SameFileAs(Platforms.Current.LStat(_target)!.Value));
        Assert.Equal("42\n", File.ReadAllText(_target));
        Assert.False(File.Exists(_temp));
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public void The_temp_file_is_fsynced_only_when_asked(bool sync, int fsyncs)
    {
        var spy = new Spy();
        UnixAtomicFile.Write(spy, _target, _temp, "42\n"u8, 0x1A4, sync);
        Assert.Equal(fsyncs, spy.FSyncs);
    }

    [Fact]
    public void A_leftover_temp_file_is_removed_once_and_a_second_one_is_an_error()
    {
        File.WriteAllText(_temp, "half");
        var spy = new Spy { AlwaysExists = true };
        var e = Assert.Throws<UnixIOException>(() => UnixAtomicFile.Write(spy, _target, _temp, "42\n"u8, 0x1A4, sync: false));
        Assert.Equal(UnixConstants.EExist, e.Errno);
        Assert.Equal(2, spy.Creates);
        Assert.Equal(1, spy.Unlinks);
        Assert.False(File.Exists(_target));
    }

    [Fact]
    public void A_temp_file_that_cannot_be_created_for_another_reason_is_reported_as_such()
    {
        string missing = Path.Join(_dir.Root, "absent");
        var e = Assert.Throws<UnixIOException>(() => UnixAtomicFile.Write((UnixPlatform)Platforms.Current, Path.Join(missing, "t.pid"), Path.Join(missing, ".t.pid.tmp"), "42\n"u8, 0x1A4, sync: false));
        Assert.Equal("create", e.Operation);
        Assert.Equal(UnixConstants.ENoEnt, e.Errno);
    }

    [Fact]
    public void A_failed_write_removes_the_temp_file_and_reports_the_write_error()
    {
        var spy = new Spy { FailWrite = true };
        var e = Assert.Throws<UnixIOException>(() => UnixAtomicFile.Write(spy, _target, _temp, "42\n"u8, 0x1A4, sync: false));
        Assert.Equal("write", e.Operation);
        Assert.False(File.Exists(_temp));
        Assert.False(File.Exists(_target));
    }

    [Fact]
    public void A_failure_to_remove_the_temp_file_does_not_hide_the_original_error()
    {
        var spy = new Spy { FailWrite = true, FailUnlink = true };
        Assert.Equal("write", Assert.Throws<UnixIOException>(() => UnixAtomicFile.Write(spy, _target, _temp, "42\n"u8, 0x1A4, sync: false)).Operation);
    }

    [Fact]
    public void A_leftover_temp_file_of_another_user_is_refused()
    {
        Prerequisite.RequireRoot("chown to another user");
        File.WriteAllText(_temp, "half");
        StaleFilesTests.GiveToNobody(_temp);
        var e = Assert.Throws<PidGuardException>(() => UnixAtomicFile.Write((UnixPlatform)Platforms.Current, _target, _temp, "42\n"u8, 0x1A4, sync: false));
        Assert.Equal($"Temporary file '{_temp}' exists and is not a regular file of the current user; PidGuard will not remove it.", e.Message);
        Assert.Equal(_temp, e.FilePath);
        Assert.True(File.Exists(_temp));
    }

    private sealed class Spy : DelegatingPlatform
    {
        public int? CreateMode { get; init; }
        public bool AlwaysExists { get; init; }
        public bool FailWrite { get; init; }
        public bool FailUnlink { get; init; }
        public int FSyncs { get; private set; }
        public int Creates { get; private set; }
        public int Unlinks { get; private set; }

        public override SafeFd? TryOpen(string path, OpenFlags flags, int mode, out int errno)
        {
            Creates++;
            if (AlwaysExists)
            {
                errno = UnixConstants.EExist;
                return null;
            }
            return base.TryOpen(path, flags, CreateMode ?? mode, out errno);
        }

        public override void WriteAll(SafeFd fd, ReadOnlySpan<byte> data, string path)
        {
            if (FailWrite)
                throw new UnixIOException(28, "write", path);
            base.WriteAll(fd, data, path);
        }

        public override void FSync(SafeFd fd, string path)
        {
            FSyncs++;
            base.FSync(fd, path);
        }

        public override bool Unlink(string path)
        {
            Unlinks++;
            return FailUnlink ? throw new UnixIOException(5, "unlink", path) : base.Unlink(path);
        }
    }
}
