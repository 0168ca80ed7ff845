using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using PidGuard.Platform.Windows;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests.Helpers;

/// <summary>Helper processes for stop channels, jobs and the launcher.</summary>
internal static class ProcessHelpers
{
    /// <summary>A daemon's graceful stop: create the stop event, signal readiness, exit 0 when it is set.</summary>
    public static int WaitForStopEvent(string eventName, string ready)
    {
        using var stop = WindowsStopEvent.Create(eventName);
        Signal.SetExisting(ready);
        return WindowsStopEvent.Wait(stop, Bounds.StepMs) ? 0 : 1;
    }

    /// <summary>What the generic host listens to: CTRL+BREAK arrives as PosixSignal.SIGQUIT.</summary>
    public static int WaitForCtrlBreak(string ready)
    {
        using var received = new ManualResetEventSlim();
        using var registration = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context =>
        {
            context.Cancel = true;
            received.Set();
        });
        Signal.SetExisting(ready);
        return received.Wait(Bounds.Step) ? 0 : 1;
    }

    /// <summary>
    /// A process tree: each level starts the next (inside whatever job it is in); the last one
    /// signals <paramref name="ready"/> once it runs. Then every level sleeps.
    /// </summary>
    public static int Tree(int depth, string ready)
    {
        if (depth > 0)
        {
            using var child = WindowsProcessLauncher.Start(new WindowsStartInfo
            {
                Program = Environment.ProcessPath!,
                Arguments = [HelperMain.Flag, "tree", (depth - 1).ToString(CultureInfo.InvariantCulture), ready],
            });
        }
        else
        {
            Signal.SetExisting(ready);
        }
        Thread.Sleep(Bounds.HelperLifetime);
        return 0;
    }

    /// <summary>
    /// Exit code bits: 1 when the passed handle (named by PIDGUARD_INHERITED_HANDLES) is not the file
    /// at <paramref name="passedPath"/>; 2 when the value of the inheritable handle the parent did not
    /// pass names the file at <paramref name="notPassedPath"/> here too.
    /// </summary>
    public static int CheckHandles(string passedPath, string notPassedPath, string notPassedValue)
    {
        int result = 0;
        string? values = Environment.GetEnvironmentVariable(WindowsStartInfo.InheritedHandlesVariable);
        if (values is null || !nint.TryParse(values.Split(',')[0], CultureInfo.InvariantCulture, out nint passed) || !SameFile(passed, passedPath))
            result |= 1;
        if (SameFile(nint.Parse(notPassedValue, CultureInfo.InvariantCulture), notPassedPath))
            result |= 2;
        return result;
    }

    public static int WriteArguments(string outputPath, string[] arguments)
    {
        File.WriteAllLines(outputPath, arguments.Select(a => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(a))));
        return 0;
    }

    private static bool SameFile(nint value, string path)
    {
        using var candidate = new SafeFileHandle(value, ownsHandle: false);
        if (!Interop.Kernel32.GetFileInformationByHandle(candidate, out var seen))
            return false;
        using var own = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var expected = WindowsFileAttributes.IdentityOf(own, path);
        return (seen.VolumeSerialNumber, seen.FileIndex) == expected;
    }
}
