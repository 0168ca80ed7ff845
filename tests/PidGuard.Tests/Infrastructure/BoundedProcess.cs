using System.ComponentModel;
using System.Diagnostics;

namespace PidGuard.Tests.Infrastructure;

/// <summary>What a child printed, and how it ended.</summary>
public readonly record struct ProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs a child to completion within a bound. Its output is read in the background, so the bound holds
/// however much or little it prints; on overrun its whole process tree is killed and the test fails
/// with what it printed until then.
/// </summary>
public static class BoundedProcess
{
    /// <summary>How long the pipes may stay open after the child is gone (a descendant could hold them).</summary>
    private static readonly TimeSpan s_drain = TimeSpan.FromSeconds(10);

    static BoundedProcess() => TestThreads.Ensure();

    /// <exception cref="ProcessTimeoutException">The child, or the pipes it left, overran the bound.</exception>
    /// <exception cref="Win32Exception">The program cannot be started.</exception>
    public static ProcessResult Run(ProcessStartInfo psi, TimeSpan bound, string what)
    {
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var p = Process.Start(psi)!;
        var stdout = StreamCapture.Start(p.StandardOutput);
        var stderr = StreamCapture.Start(p.StandardError);
        if (!p.WaitForExit(bound))
        {
            KillTree(p);
            Drained(stdout, stderr); // everything written before the kill, as far as it arrives in time
            throw new ProcessTimeoutException(what, bound, stdout.Text + stderr.Text);
        }
        if (!Drained(stdout, stderr))
            throw new ProcessTimeoutException($"{what} exited, but a descendant kept its output open:", s_drain, stdout.Text + stderr.Text);
        return new ProcessResult(p.ExitCode, stdout.Text, stderr.Text);
    }

    private static bool Drained(StreamCapture stdout, StreamCapture stderr) =>
        Task.WaitAll([stdout.Completion, stderr.Completion], s_drain);

    private static void KillTree(Process p)
    {
        try
        {
            p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited between the wait and the kill
        }
        p.WaitForExit(s_drain);
    }
}
