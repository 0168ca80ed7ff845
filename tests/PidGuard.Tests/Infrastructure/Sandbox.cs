using System.ComponentModel;
using System.Diagnostics;

namespace PidGuard.Tests.Infrastructure;

/// <summary>
/// Runs a bash script as PID 1 of a new PID namespace (<c>unshare -pf --mount-proc</c>): every
/// process the script starts lives in it, and no signal sent from inside can reach a process
/// outside. When PID 1 exits the kernel kills whatever is left, so killing it on a timeout
/// (<c>--kill-child</c> does so when unshare is killed) leaves nothing behind.
/// </summary>
public static class Sandbox
{
    public static readonly TimeSpan DefaultBound = TimeSpan.FromSeconds(120);

    private static readonly Lazy<string?> s_unavailable = new(Probe);

    public static string Host => $"'{ChildProcess.Dotnet}' '{ChildProcess.HostDll}'";

    /// <summary>
    /// The pidguard tool as built next to the tests, or the command in <c>PIDGUARD_TEST_TOOL</c> (to run
    /// the scenarios against another build, e.g. to show that a regression test fails on an older one).
    /// </summary>
    public static string Tool => Environment.GetEnvironmentVariable("PIDGUARD_TEST_TOOL") is { Length: > 0 } tool
        ? tool
        : $"'{ChildProcess.Dotnet}' '{Path.Join(AppContext.BaseDirectory, "PidGuard.Cli.dll")}'";

    /// <summary>Where PID namespaces cannot be made: skips the test with the reason, or fails it in CI.</summary>
    public static void Require() => Prerequisite.Require(s_unavailable.Value is null, s_unavailable.Value ?? "");

    /// <exception cref="ProcessTimeoutException">The script overran <paramref name="bound"/> (default 120 s); the namespace was killed.</exception>
    public static (int ExitCode, string Output) Run(string script, TimeSpan? bound = null)
    {
        Require();
        var psi = Unshare("bash", "-c", "H() { " + Host + " \"$@\"; }\nHB() { exec " + Host + " \"$@\"; }\nP() { " + Tool + " \"$@\"; }\nPT() { timeout 20 " + Tool + " \"$@\"; }\n" + script);
        var r = BoundedProcess.Run(psi, bound ?? DefaultBound, "sandboxed script");
        return (r.ExitCode, r.Stdout + r.Stderr);
    }

    private static ProcessStartInfo Unshare(params string[] command)
    {
        var psi = new ProcessStartInfo("unshare");
        // --kill-child: if unshare dies (we kill it on a timeout), the kernel kills PID 1 and with it the namespace.
        foreach (string a in IsRoot() ? ["-pf", "--mount-proc", "--kill-child"] : (string[])["-rpf", "--mount-proc", "--kill-child"])
            psi.ArgumentList.Add(a);
        foreach (string a in command)
            psi.ArgumentList.Add(a);
        return psi;
    }

    private static bool IsRoot() => Environment.UserName == "root" || geteuid() == 0;

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();

    private static string? Probe()
    {
        try
        {
            var r = BoundedProcess.Run(Unshare("sh", "-c", "echo $$"), TimeSpan.FromSeconds(30), "unshare probe");
            return r.Stdout.Trim() == "1" ? null : $"cannot create a PID namespace with unshare: {r.Stderr.Trim()}";
        }
        catch (Win32Exception e)
        {
            return $"unshare is not available: {e.Message}";
        }
        catch (ProcessTimeoutException e)
        {
            return $"unshare hung: {e.Message}";
        }
    }
}
