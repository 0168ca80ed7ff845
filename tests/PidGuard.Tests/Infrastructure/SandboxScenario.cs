namespace PidGuard.Tests.Infrastructure;

/// <summary>
/// Tests whose scenarios are bash scripts run as PID 1 of a PID namespace (<see cref="Sandbox"/>), each
/// test with a scratch directory of its own (ROOT, DIR in the script; <see cref="Dir"/> here).
/// </summary>
public abstract class SandboxScenario : IDisposable
{
    protected TestDir Dir { get; } = new();

    /// <summary>Script lines run before every scenario of the class.</summary>
    protected virtual string Prologue => "";

    public void Dispose()
    {
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs <paramref name="body"/> and requires it to exit 0; returns everything it printed.</summary>
    protected string Run(string body, TimeSpan? bound = null)
    {
        var (code, output) = Sandbox.Run(Scripts.Prelude(Dir) + Prologue + body, bound);
        Assert.True(code == 0, $"scenario exited {code}:\n{output}");
        return output;
    }

    /// <summary>Asserts the value printed by `echo "KEY=value"`, showing the whole output when it differs.</summary>
    protected static void AssertValue(string output, string key, string expected)
    {
        string actual = Value(output, key);
        Assert.True(actual == expected, $"{key}={actual}, expected {expected}:\n{output}");
    }

    /// <summary>The value printed by `echo "KEY=value"` in the script (the last one).</summary>
    protected static string Value(string output, string key) =>
        output.Split('\n').Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..]).LastOrDefault()
        ?? throw new Xunit.Sdk.XunitException($"no {key}= in:\n{output}");

    /// <summary>The lines that start with <paramref name="prefix"/>.</summary>
    protected static List<string> Lines(string output, string prefix) =>
        output.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();
}
