using System.Diagnostics;

namespace PidGuard.Tests.Infrastructure;

/// <summary>
/// Runs a bash script as PID 1 of a new PID namespace (<c>unshare -pf --mount-proc</c>): every
/// process the script starts lives in it, and no signal sent from inside can reach a process
/// outside. When PID 1 exits the kernel kills whatever is left.
/// </summary>
public static class Sandbox
{
    private static readonly Lazy<string?> s_unavailable = new(Probe);

    static Sandbox() => TestThreads.Ensure();

    public static string Host => $"'{HostProcess.Dotnet}' '{HostProcess.HostDll}'";

    /// <summary>The pidguard tool as built next to the tests.</summary>
    public static string Tool => $"'{HostProcess.Dotnet}' '{Path.Join(AppContext.BaseDirectory, "PidGuard.Cli.dll")}'";

    /// <summary>Skips the test (with the reason) where PID namespaces cannot be made.</summary>
    public static void Require() => Assert.SkipWhen(s_unavailable.Value is not null, s_unavailable.Value ?? "");

    public static (int ExitCode, string Output) Run(string script, int timeoutMs = 120_000)
    {
        Require();
        var psi = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in Arguments())
            psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("bash");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("H() { " + Host + " \"$@\"; }\nHB() { exec " + Host + " \"$@\"; }\nP() { " + Tool + " \"$@\"; }\n" + script);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("sandboxed script timed out:\n" + output);
        }
        return (p.ExitCode, output + stderr.Result);
    }

    private static string[] Arguments() =>
        Environment.UserName == "root" || geteuid() == 0
            ? ["-pf", "--mount-proc"]
            : ["-rpf", "--mount-proc"];

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();

    private static string? Probe()
    {
        try
        {
            var psi = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in Arguments())
                psi.ArgumentList.Add(a);
            psi.ArgumentList.Add("sh");
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("echo $$");
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd().Trim();
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return output == "1" ? null : $"cannot create a PID namespace with unshare: {err.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"unshare is not available: {e.Message}";
        }
    }
}
