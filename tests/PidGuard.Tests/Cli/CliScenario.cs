using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Cli;

/// <summary>Runs a bash scenario against the real pidguard tool (function P) inside a PID namespace.</summary>
public abstract class CliScenario : IDisposable
{
    protected TestDir Dir { get; } = new();

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

    protected string Run(string body)
    {
        var (code, output) = Sandbox.Run(Scripts.Prelude(Dir) + "export PIDGUARD_RUNTIME_DIR=\"$DIR\"\n" + body);
        Assert.True(code == 0, $"scenario exited {code}:\n{output}");
        return output;
    }

    /// <summary>Asserts the value printed by `echo "KEY=value"`, showing the whole output when it differs.</summary>
    protected static void AssertValue(string output, string key, string expected)
    {
        string actual = Value(output, key);
        Assert.True(actual == expected, $"{key}={actual}, expected {expected}:\n{output}");
    }

    /// <summary>The value printed by `echo "KEY=value"` in the script.</summary>
    protected static string Value(string output, string key) =>
        output.Split('\n').Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..]).LastOrDefault()
        ?? throw new Xunit.Sdk.XunitException($"no {key}= in:\n{output}");
}
