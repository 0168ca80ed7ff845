using System.Text;
using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>Reading the pid and state files from disk: sizes at the limits, what is not a file, and failures named.</summary>
public sealed class PidAndStateFileReadTests : IDisposable
{
    private readonly TestDir _dir = new();
    private readonly IPlatform _p = Platforms.Current;

    public PidAndStateFileReadTests() => RuntimeDirectory.Ensure(_dir.Runtime);

    public void Dispose() => _dir.Dispose();

    private string FileWith(string name, string content)
    {
        string path = Path.Join(_dir.Runtime, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void A_pid_file_of_exactly_32_bytes_is_read_whole_and_one_of_33_is_refused()
    {
        string exact = FileWith("exact.pid", new string('0', 30) + "12");
        Assert.Equal(new PidFileContent(PidFileKind.Valid, 12, null), PidFile.Read(exact));
        string over = FileWith("over.pid", new string('0', 31) + "12");
        var r = PidFile.Read(over);
        Assert.Equal(PidFileKind.Invalid, r.Kind);
        Assert.Equal($"pid file '{over}' is 33 bytes long; a pid file holds at most 32", r.Reason);
    }

    [Fact]
    public void Content_of_exactly_32_bytes_parses_and_33_does_not()
    {
        Assert.Equal(PidFileKind.Valid, PidFile.Parse(Encoding.ASCII.GetBytes(new string(' ', 30) + "42")).Kind);
        Assert.Equal("pid file is longer than 32 bytes", PidFile.Parse(Encoding.ASCII.GetBytes(new string(' ', 31) + "42")).Reason);
    }

    [Fact]
    public void A_symbolic_link_at_the_pid_path_is_not_followed()
    {
        string target = FileWith("target", "42\n");
        string link = Path.Join(_dir.Runtime, "link.pid");
        File.CreateSymbolicLink(link, target);
        var r = PidFile.Read(link);
        Assert.Equal(new PidFileContent(PidFileKind.NotRegularFile, null, $"pid file '{link}' is a symbolic link; PidGuard does not follow it"), r);
    }

    [Fact]
    public void A_directory_at_the_pid_path_is_not_a_regular_file()
    {
        string dir = Path.Join(_dir.Runtime, "dir.pid");
        Directory.CreateDirectory(dir);
        Assert.Equal(new PidFileContent(PidFileKind.NotRegularFile, null, $"pid file '{dir}' is a directory, not a regular file"), PidFile.Read(dir));
    }

    [Fact]
    public void A_pid_file_that_cannot_be_opened_or_read_is_Unreadable_with_the_error()
    {
        string notDir = FileWith("file", "");
        var unopenable = PidFile.Read(Path.Join(notDir, "x.pid"));
        Assert.Equal(PidFileKind.Unreadable, unopenable.Kind);
        Assert.StartsWith($"pid file '{notDir}/x.pid' cannot be opened: open failed: Not a directory", unopenable.Reason, StringComparison.Ordinal);
        string pid = FileWith("eio.pid", "42\n");
        var unreadable = PidFile.Read(pid, new FailingRead());
        Assert.Equal(PidFileKind.Unreadable, unreadable.Kind);
        Assert.StartsWith($"pid file '{pid}' cannot be read: read '{pid}' failed: Input/output error", unreadable.Reason, StringComparison.Ordinal);
        Assert.Equal(PidFileKind.Missing, PidFile.Read(Path.Join(_dir.Runtime, "absent.pid")).Kind);
    }

    [Theory]
    [InlineData("\u0001", "byte 0x01")]
    [InlineData("\u001F", "byte 0x1F")]
    [InlineData(" \u007F", "byte 0x7F")]
    [InlineData("\u00E9", "byte 0xE9")]
    [InlineData("4\u0000", "a NUL byte")]
    [InlineData("1~", "'~'")]
    [InlineData("1!", "'!'")]
    public void A_pid_file_byte_that_is_not_a_digit_is_named_printable_or_in_hex(string content, string named)
    {
        var r = PidFile.Parse(Encoding.Latin1.GetBytes(content));
        Assert.Equal($"pid file holds {named} where only decimal digits are allowed", r.Reason);
    }

    [Fact]
    public void A_parse_problem_names_the_file_when_a_path_is_given() =>
        Assert.Equal("pid file '/run/x.pid' is empty", PidFile.Parse(""u8, "/run/x.pid").Reason);

    [Fact]
    public void A_missing_state_file_is_no_problem_and_one_that_cannot_be_opened_is()
    {
        Assert.Null(StateFile.Read(Path.Join(_dir.Runtime, "absent.json"), _p, out string? missing));
        Assert.Null(missing);
        string notDir = FileWith("file", "");
        Assert.Null(StateFile.Read(Path.Join(notDir, "x.json"), _p, out string? problem));
        Assert.StartsWith($"state file '{notDir}/x.json' cannot be opened: open failed: Not a directory", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_file_that_is_a_directory_or_over_the_limit_is_not_read()
    {
        string dir = Path.Join(_dir.Runtime, "dir.json");
        Directory.CreateDirectory(dir);
        Assert.Null(StateFile.Read(dir, _p, out string? problem));
        Assert.Equal($"state file '{dir}' is a directory", problem);
        string big = Path.Join(_dir.Runtime, "big.json");
        using (var f = File.Create(big))
            f.SetLength(StateFile.MaxLength + 1); // sparse: no 4 MiB written
        Assert.Null(StateFile.Read(big, _p, out problem));
        Assert.Equal($"state file '{big}' is {StateFile.MaxLength + 1} bytes, over the {StateFile.MaxLength} limit", problem);
        using (var f = File.OpenWrite(big))
            f.SetLength(StateFile.MaxLength);
        Assert.Null(StateFile.Read(big, _p, out problem));
        Assert.StartsWith($"state file '{big}' is not valid JSON", problem, StringComparison.Ordinal); // read, then refused
    }

    [Fact]
    public void A_state_file_that_cannot_be_read_names_the_error()
    {
        string path = FileWith("eio.json", "{\"pid\":42}");
        Assert.Null(StateFile.Read(path, new FailingRead(), out string? problem));
        Assert.StartsWith($"state file '{path}' cannot be read: read '{path}' failed: Input/output error", problem, StringComparison.Ordinal);
        Assert.Equal(42, StateFile.Read(path)!.Pid);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"pid\":0}")]
    [InlineData("{\"pid\":-3}")]
    public void A_state_record_without_a_positive_pid_is_refused(string json)
    {
        Assert.Null(StateFile.Parse(Encoding.UTF8.GetBytes(json), "s.json", out string? problem));
        Assert.Equal("state file 's.json' holds no PID", problem);
    }

    [Fact]
    public void A_version_1_record_is_upgraded_when_parsed()
    {
        var record = StateFile.Parse("""{"version":1,"pid":10,"startToken":"a","childPid":20,"childStartToken":"b"}"""u8, "s.json", out _)!;
        Assert.Equal(20, record.Pid);
        Assert.Equal("b", record.StartToken);
        Assert.Equal(10, record.Supervisor!.Pid);
    }

    [Fact]
    public void A_record_of_exactly_the_limit_is_written_and_one_byte_more_is_refused_naming_the_command_line()
    {
        var record = new DaemonStateRecord { Name = "big", Pid = 42, CommandLine = ["x"] };
        int overhead = StateFile.Serialize(record).Length - 1;
        record.CommandLine = [new string('x', StateFile.MaxLength - overhead)];
        Assert.Equal(StateFile.MaxLength, StateFile.Serialize(record).Length);
        record.CommandLine = ["x", new string('x', StateFile.MaxLength - overhead)];
        int length = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(record, StateJsonContext.Default.DaemonStateRecord).Length;
        var e = Assert.Throws<PidGuardException>(() => StateFile.Serialize(record, "/run/big.json"));
        Assert.Equal($"The state of 'big' would take {length} bytes in '/run/big.json', over the {StateFile.MaxLength}-byte limit of the state file (its command line alone is {StateFile.MaxLength - overhead + 1} bytes); shorten the command line.", e.Message);
        Assert.Equal("/run/big.json", e.FilePath);
    }

    [Fact]
    public void A_record_too_large_without_a_command_line_says_the_command_line_is_empty()
    {
        var record = new DaemonStateRecord { Name = "big", Pid = 42, Status = new string('s', StateFile.MaxLength) };
        Assert.Contains("(its command line alone is 0 bytes)", Assert.Throws<PidGuardException>(() => StateFile.Serialize(record)).Message, StringComparison.Ordinal);
    }

    private sealed class FailingRead : DelegatingPlatform
    {
        public override int Read(SafeFd fd, Span<byte> buffer, string path) => throw new UnixIOException(5, "read", path);
    }
}
