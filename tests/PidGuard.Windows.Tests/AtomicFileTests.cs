using System.Text;
using PidGuard.Platform.Windows;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests;

/// <summary>Pid and state files replaced atomically, also while a reader has the old one open.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TestDir _dir = new();

    private string Target => _dir.File("web.pid");
    private string Temp => _dir.File(".web.pid.tmp");

    public void Dispose() => _dir.Dispose();

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private string Read() => Encoding.ASCII.GetString(WindowsAtomicFile.ReadAll(Target, 64)!);

    [Fact]
    public void Write_creates_then_replaces_and_leaves_no_temp_file()
    {
        WindowsAtomicFile.Write(Temp, Target, Bytes("100\n"));
        Assert.Equal("100\n", Read());
        WindowsAtomicFile.Write(Temp, Target, Bytes("200\n"));
        Assert.Equal("200\n", Read());
        Assert.False(File.Exists(Temp));
    }

    [Fact]
    public void A_leftover_temp_file_makes_write_fail_without_touching_the_target()
    {
        WindowsAtomicFile.Write(Temp, Target, Bytes("100\n"));
        File.WriteAllText(Temp, "half");
        var error = Assert.Throws<WindowsIOException>(() => WindowsAtomicFile.Write(Temp, Target, Bytes("200\n")));
        Assert.Equal(80, error.NativeErrorCode); // ERROR_FILE_EXISTS: the holder removes the leftover and retries
        Assert.Equal("100\n", Read());
        Assert.Equal("half", File.ReadAllText(Temp)); // not ours: left alone
    }

    [Fact]
    public async Task A_reader_that_holds_the_target_briefly_does_not_make_the_replace_fail()
    {
        WindowsAtomicFile.Write(Temp, Target, Bytes("100\n"));
        using var reader = File.Open(Target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var release = Task.Run(async () =>
        {
            await Task.Delay(50, TestContext.Current.CancellationToken).ConfigureAwait(false);
            byte[] old = new byte[4];
            int read = reader.Read(old);
            reader.Dispose();
            return Encoding.ASCII.GetString(old, 0, read);
        }, TestContext.Current.CancellationToken);
        WindowsAtomicFile.Write(Temp, Target, Bytes("200\n"));
        Assert.Equal("200\n", Read());
        Assert.Equal("100\n", await release);
    }

    [Fact]
    public void A_reader_that_keeps_the_target_open_either_reads_on_or_is_named_in_the_error()
    {
        WindowsAtomicFile.Write(Temp, Target, Bytes("100\n"));
        using var reader = File.Open(Target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            // POSIX rename semantics (Windows 10 1709+, NTFS) replace under an open reader.
            WindowsAtomicFile.Write(Temp, Target, Bytes("200\n"));
            Assert.Equal("200\n", Read());
        }
        catch (WindowsIOException e)
        {
            // Without them (Wine 8, FAT, SMB) MoveFileExW is refused while the reader stays.
            Assert.Equal(Interop.Errors.ERROR_ACCESS_DENIED, e.NativeErrorCode);
            Assert.Contains(Target, e.Message, StringComparison.Ordinal);
            Assert.Equal("100\n", Read());
            Assert.False(File.Exists(Temp), "the failed write left its temp file");
        }
        byte[] seen = new byte[4];
        Assert.Equal(4, reader.Read(seen));
        Assert.Equal("100\n", Encoding.ASCII.GetString(seen));
    }

    [Fact]
    public void Reading_a_missing_file_returns_null()
    {
        Assert.Null(WindowsAtomicFile.ReadAll(_dir.File("nothing.pid"), 32));
    }
}
