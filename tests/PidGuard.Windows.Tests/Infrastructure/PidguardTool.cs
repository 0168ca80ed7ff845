using PidGuard.Platform.Windows;

namespace PidGuard.Windows.Tests.Infrastructure;

/// <summary>
/// The pidguard tool for win-x64, which eng/test-windows.sh publishes beside the tests
/// (<c>cli\PidGuard.Cli.exe</c>). Tests that need it skip declaratively when it is not there.
/// </summary>
public static class PidguardTool
{
    public static string ExecutablePath { get; } = Path.Join(AppContext.BaseDirectory, "cli", "PidGuard.Cli.exe");

    public static bool IsPublished => File.Exists(ExecutablePath);

    /// <summary>Runs one command to its end (bounded) and returns its exit code and what it printed (stdout and stderr).</summary>
    public static (int Code, string Output) Run(params string[] arguments)
    {
        string outputFile = Path.Join(Path.GetTempPath(), $"pidguard-tool-{Guid.NewGuid():N}.txt");
        int code;
        using (var output = File.OpenHandle(outputFile, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
        using (var started = WindowsProcessLauncher.Start(new WindowsStartInfo
        {
            Program = ExecutablePath,
            Arguments = arguments,
            StandardOutput = output,
            StandardError = output,
        }))
        {
            Assert.True(WindowsProcessIdentity.WaitForExit(started.Handle, 2 * Bounds.StepMs), $"pidguard {string.Join(' ', arguments)} did not end");
            code = (int)WindowsProcessIdentity.ExitCode(started.Handle)!.Value;
        }
        string text = File.ReadAllText(outputFile);
        File.Delete(outputFile);
        return (code, text);
    }
}
