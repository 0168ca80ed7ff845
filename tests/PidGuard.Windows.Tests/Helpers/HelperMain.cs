using System.Globalization;

namespace PidGuard.Windows.Tests.Helpers;

/// <summary>The helper modes: what a test's child process does. Every mode ends by itself within a bound.</summary>
internal static class HelperMain
{
    public const string Flag = "--helper";

    public static int Run(string[] args)
    {
        try
        {
            return args[0] switch
            {
                "hold-lock" => LockHelpers.Hold(lockPath: args[1], pidFile: args[2], ready: args[3]),
                "race" => LockHelpers.Race(lockPath: args[1], ready: args[2], go: args[3], tried: args[4], done: args[5]),
                "racer-loop" => LockHelpers.RacerLoop(lockPath: args[1], running: args[2], stop: args[3]),
                "try-inherited" => LockHelpers.TryInherited(lockPath: args[1], tried: args[2], exit: args[3]),
                "adopt" => LockHelpers.Adopt(lockPath: args[1], hasHandoff: args[2], adopted: args[3], exit: args[4]),
                "wait-stop" => ProcessHelpers.WaitForStopEvent(eventName: args[1], ready: args[2]),
                "wait-break" => ProcessHelpers.WaitForCtrlBreak(ready: args[1]),
                "tree" => ProcessHelpers.Tree(int.Parse(args[1], CultureInfo.InvariantCulture), ready: args[2]),
                "check-handles" => ProcessHelpers.CheckHandles(passedPath: args[1], notPassedPath: args[2], notPassedValue: args[3]),
                "write-args" => ProcessHelpers.WriteArguments(outputPath: args[1], args[2..]),
                "exit" => int.Parse(args[1], CultureInfo.InvariantCulture),
                "exit-later" => Sleep(Infrastructure.Bounds.HelperLifetime),
                _ => 100,
            };
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"helper {string.Join(' ', args)}: {e}");
            return 99;
        }
    }

    private static int Sleep(TimeSpan time)
    {
        Thread.Sleep(time);
        return 0;
    }
}
