using System.Runtime.Versioning;
using PidGuard.Windows.Tests.Helpers;

[assembly: SupportedOSPlatform("windows")]

namespace PidGuard.Windows.Tests;

/// <summary>
/// The test executable is its own runner and also the helper process the tests start:
/// <c>--helper MODE ...</c> runs one helper (a lock holder, a racer, a daemon waiting for its
/// stop event...); anything else runs the tests.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == HelperMain.Flag)
            return HelperMain.Run(args[1..]);
        if (args.Any(arg => arg is "--server" or "--internal-msbuild-node"))
            return Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework.RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions).GetAwaiter().GetResult();
        return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
