using System.Globalization;
using System.Text.RegularExpressions;
using PidGuard.Windows.Tests.Helpers;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests;

/// <summary><c>pidguard.exe</c> end to end under Wine: start, status, list, signal, stop.</summary>
public sealed partial class PidguardToolTests : IDisposable
{
    private const string Name = "web";
    private readonly TestDir _dir = new();

    private string RuntimeDir => _dir.File("run");

    public void Dispose() => _dir.Dispose();

    /// <summary>`pidguard COMMAND --dir RUNTIME_DIR ...`: the option before any `--`, which ends pidguard's own.</summary>
    private (int Code, string Output) Pidguard(params string[] arguments) => PidguardTool.Run([arguments[0], "--dir", RuntimeDir, .. arguments[1..]]);

    /// <summary>The daemon's log, read while its supervisor still writes it.</summary>
    private string Log()
    {
        string path = Path.Join(RuntimeDir, Name + ".log");
        if (!File.Exists(path))
            return "(none)";
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return reader.ReadToEnd();
    }

    private static int PidIn(string output) => int.Parse(PidText().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);

    [Fact(Skip = "pidguard.exe is not published beside the tests (eng/test-windows.sh does it)",
        SkipUnless = nameof(PidguardTool.IsPublished), SkipType = typeof(PidguardTool))]
    public void Start_status_list_signal_and_stop_a_program_that_ignores_the_stop_event()
    {
        var (notRunning, notRunningText) = Pidguard("status", Name);
        Assert.True(notRunning == 3, $"exit {notRunning}: {notRunningText}");

        var (started, startText) = Pidguard("start", Name, "--", Environment.ProcessPath!, HelperMain.Flag, "exit-later");
        Assert.True(started == 0, $"exit {started}: {startText}");
        int pid = PidIn(startText);

        var (running, statusText) = Pidguard("status", Name);
        Assert.True(running == 0, $"exit {running}: {statusText}; the log:\n{Log()}");
        Assert.Contains($"is running (PID: {pid.ToString(CultureInfo.InvariantCulture)})", statusText, StringComparison.Ordinal);
        Assert.Contains("supervisor PID", statusText, StringComparison.Ordinal);

        var (conflict, conflictText) = Pidguard("start", Name, "--", Environment.ProcessPath!, HelperMain.Flag, "exit-later");
        Assert.True(conflict == 75, $"exit {conflict}: {conflictText}");
        Assert.Contains($"already running (PID: {pid.ToString(CultureInfo.InvariantCulture)})", conflictText, StringComparison.Ordinal);

        var (listed, listText) = Pidguard("list");
        Assert.True(listed == 0, $"exit {listed}: {listText}");
        Assert.Contains(Name, listText, StringComparison.Ordinal);

        var (refused, refusedText) = Pidguard("signal", Name, "HUP");
        Assert.True(refused != 0, $"exit {refused}: {refusedText}");
        Assert.Contains("no meaning on Windows", refusedText, StringComparison.Ordinal);

        var (stopped, stopText) = Pidguard("stop", Name, "--retry", "TERM/1/KILL/5");
        Assert.True(stopped == 0, $"exit {stopped}: {stopText}");
        Assert.Contains($"killed {Name}", stopText, StringComparison.Ordinal);
        var (after, afterText) = Pidguard("status", Name);
        Assert.True(after == 3, $"exit {after}: {afterText}");
    }

    [Fact(Skip = "pidguard.exe is not published beside the tests (eng/test-windows.sh does it)",
        SkipUnless = nameof(PidguardTool.IsPublished), SkipType = typeof(PidguardTool))]
    public void A_hosting_app_started_by_pidguard_stops_gracefully_on_stop()
    {
        string stoppedFile = _dir.File("stopped.txt");
        using var ready = new Signal("hosted");
        var (started, startText) = Pidguard("start", Name, "--", Environment.ProcessPath!, HelperMain.Flag, "host", RuntimeDir, Name, ready.Name, stoppedFile);
        Assert.True(started == 0, $"exit {started}: {startText}");
        Assert.True(ready.Wait(Bounds.Step), "the supervised hosting app never started its services");

        var (stopped, stopText) = Pidguard("stop", Name, "--retry", "TERM/10/KILL/5");

        Assert.True(stopped == 0, $"exit {stopped}: {stopText}");
        Assert.Contains($"stopped {Name}", stopText, StringComparison.Ordinal);
        Assert.Equal("stopped gracefully", File.ReadAllText(stoppedFile));
    }

    [GeneratedRegex(@"PID: (\d+)")]
    private static partial Regex PidText();
}
