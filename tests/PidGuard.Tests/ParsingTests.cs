using System.Text;
using PidGuard.Platform;

namespace PidGuard.Tests;

public class DaemonNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("web-1")]
    [InlineData("my.daemon_2")]
    [InlineData("0start")]
    [InlineData("A234567890123456789012345678901234567890123456789012345678901234")]
    public void Valid_names_are_accepted(string name) => Assert.True(DaemonName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData(".hidden")]
    [InlineData("-flag")]
    [InlineData("_x")]
    [InlineData("a/b")]
    [InlineData("../etc")]
    [InlineData("a b")]
    [InlineData("naïve")]
    [InlineData("A2345678901234567890123456789012345678901234567890123456789012345")]
    public void Invalid_names_are_rejected_with_the_name_in_the_message(string name)
    {
        Assert.False(DaemonName.IsValid(name));
        var e = Assert.Throws<ArgumentException>(() => DaemonName.Validate(name));
        Assert.Contains($"'{name}'", e.Message, StringComparison.Ordinal);
    }
}

public class PidFileParseTests
{
    [Theory]
    [InlineData("1234\n", 1234)]
    [InlineData("1234", 1234)]
    [InlineData("  42 \r\n", 42)]
    [InlineData("2", 2)]
    [InlineData("2147483647\n", int.MaxValue)]
    [InlineData("007", 7)]
    public void Valid_content_parses(string content, int pid)
    {
        var r = PidFile.Parse(Encoding.ASCII.GetBytes(content));
        Assert.Equal(PidFileKind.Valid, r.Kind);
        Assert.Equal(pid, r.Pid);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   \n\t", "empty")]
    [InlineData("abc", "'a'")]
    [InlineData("-1", "'-'")]
    [InlineData("+5", "'+'")]
    [InlineData("0", "PID 0")]
    [InlineData("1\n", "PID 1")]
    [InlineData("4294967296", "larger than any PID")]
    [InlineData("2147483648", "larger than any PID")]
    [InlineData("12abc", "'a'")]
    [InlineData("12 34", "' '")]
    [InlineData("1\u00002", "NUL")]
    [InlineData("99999999999999999999999999999999999", "longer than")]
    public void Invalid_content_is_rejected_with_a_reason(string content, string reason)
    {
        var r = PidFile.Parse(Encoding.Latin1.GetBytes(content), "/x/n.pid");
        Assert.Equal(PidFileKind.Invalid, r.Kind);
        Assert.Null(r.Pid);
        Assert.Contains(reason, r.Reason, StringComparison.Ordinal);
        Assert.Contains("/x/n.pid", r.Reason, StringComparison.Ordinal);
    }
}

public class StopScheduleTests
{
    [Theory]
    [InlineData("TERM/10/KILL/5", "S15 W10 S9 W5")]
    [InlineData("5", "S15 W5 S9 W5")]
    [InlineData("0.5", "S15 W0.5 S9 W0.5")]
    [InlineData("SIGTERM/1/sigkill/2", "S15 W1 S9 W2")]
    [InlineData("-TERM/1/-9/1", "S15 W1 S9 W1")]
    [InlineData("HUP/1/forever/TERM/2", "S1 W1 S15 W2 R2")]
    [InlineData("-15/3", "S15 W3")]
    [InlineData("TERM/-5", "S15 S5")]
    public void Valid_schedules_parse(string text, string expected)
    {
        var s = StopSchedule.Parse(text);
        string shape = string.Join(' ', s.Steps.Select(x => x.Kind switch
        {
            StopStepKind.Signal => $"S{x.Signal}",
            StopStepKind.Wait => $"W{x.Timeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            _ => $"R{x.RepeatFrom}",
        }));
        Assert.Equal(expected, shape);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("TERM/abc", "'abc'")]
    [InlineData("TERM/10/forever", "appears last")]
    [InlineData("forever/TERM/1/forever/1", "more than once")]
    [InlineData("TERM/forever/KILL", "timeout greater than 0")]
    [InlineData("10/20", "sends no signal")]
    [InlineData("NOSUCH/1", "'NOSUCH'")]
    [InlineData("-99/1", "'-99'")]
    [InlineData("15/3", "sends no signal")]
    [InlineData("TERM/-", "'-'")]
    public void Invalid_schedules_name_the_problem(string text, string problem)
    {
        Assert.False(StopSchedule.TryParse(text, out _, out string? error));
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => StopSchedule.Parse(text));
    }

    [Fact]
    public void Default_is_term_10_kill_5() => Assert.Equal("TERM/10/KILL/5", StopSchedule.Default.ToString());

    [Fact]
    public void FromTimeout_expands_like_start_stop_daemon() =>
        Assert.Equal("TERM/3/KILL/3", StopSchedule.FromTimeout(TimeSpan.FromSeconds(3)).ToString());
}

public class ProcStatTests
{
    [Fact]
    public void Start_time_is_field_22_counted_after_the_last_parenthesis()
    {
        // comm may hold spaces and ')' characters.
        string stat = "1234 (evil) (name) S 1 1234 1234 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 987654 12345678 300 18446744073709551615\n";
        Assert.Equal("987654", ProcStat.StartTimeField(Encoding.ASCII.GetBytes(stat)));
    }

    [Fact]
    public void Truncated_stat_gives_no_token() =>
        Assert.Null(ProcStat.StartTimeField(Encoding.ASCII.GetBytes("12 (x) S 1 2 3")));

    [Fact]
    public void Own_start_token_is_stable_and_differs_from_another_process()
    {
        string? mine = ProcessIdentity.GetStartToken(Environment.ProcessId);
        Assert.NotNull(mine);
        Assert.Equal(mine, ProcessIdentity.GetStartToken(Environment.ProcessId));
        Assert.Null(ProcessIdentity.GetStartToken(int.MaxValue));
        Assert.True(ProcessIdentity.IsAlive(Environment.ProcessId));
        Assert.False(ProcessIdentity.IsAlive(0));
        Assert.False(ProcessIdentity.IsAlive(-1));
    }
}
