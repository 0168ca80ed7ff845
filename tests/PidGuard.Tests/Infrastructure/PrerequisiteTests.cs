using Xunit.Sdk;

namespace PidGuard.Tests.Infrastructure;

public class PrerequisiteTests
{
    [Fact]
    public void Missing_prerequisite_skips_the_test_outside_CI()
    {
        var e = Caught(() => Prerequisite.Require(false, "no frobnicator", inCi: false));
        Assert.IsType<SkipException>(e);
        Assert.Contains("no frobnicator", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_prerequisite_fails_the_test_in_CI()
    {
        var e = Caught(() => Prerequisite.Require(false, "no frobnicator", inCi: true));
        Assert.IsType<FailException>(e);
        Assert.Contains("no frobnicator", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Met_prerequisite_lets_the_test_run_in_and_outside_CI()
    {
        Assert.Null(Caught(() => Prerequisite.Require(true, "unused", inCi: false)));
        Assert.Null(Caught(() => Prerequisite.Require(true, "unused", inCi: true)));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public void CI_means_the_CI_variable_is_true_or_1(string? value, bool inCi) =>
        Assert.Equal(inCi, Prerequisite.IsCiValue(value));

    /// <summary>Record.Exception and Assert.Throws pass skips through to the runner, so catch by hand.</summary>
    private static Exception? Caught(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
