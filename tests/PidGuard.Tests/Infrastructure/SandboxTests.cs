using System.Diagnostics;
using System.Text.RegularExpressions;

namespace PidGuard.Tests.Infrastructure;

/// <summary>The sandbox's own promise: a script that overruns its bound fails in about that bound, with its output, and leaves nothing running.</summary>
public partial class SandboxTests
{
    [Fact]
    public void Script_that_overruns_its_bound_fails_within_it_with_its_output_and_leaves_no_process_behind()
    {
        Sandbox.Require();
        var bound = TimeSpan.FromSeconds(2);
        var clock = Stopwatch.StartNew();
        var e = Assert.Throws<ProcessTimeoutException>(() => Sandbox.Run("""
            echo "NAMESPACE $(readlink /proc/self/ns/pid)"
            sleep 600 &
            sh -c 'trap "" TERM HUP; sleep 600' &
            echo STARTED
            sleep 600
            """, bound));
        clock.Stop();

        Assert.Contains("STARTED", e.Output, StringComparison.Ordinal);
        string ns = NamespaceLine().Match(e.Output).Groups[1].Value;
        Assert.StartsWith("pid:[", ns, StringComparison.Ordinal);
        Assert.True(SpinWait.SpinUntil(() => LiveProcessesIn(ns).Count == 0, 10_000),
            $"still running in {ns}: PIDs {string.Join(", ", LiveProcessesIn(ns))}");
        Assert.InRange(clock.Elapsed, bound, bound + TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Script_within_its_bound_returns_its_exit_code_and_output()
    {
        var (code, output) = Sandbox.Run("echo out; echo err >&2; exit 3", TimeSpan.FromSeconds(60));
        Assert.Equal(3, code);
        Assert.Equal("out\nerr\n", output);
    }

    /// <summary>PIDs (as seen from here) of the processes in a PID namespace that have not exited; zombies are dead already.</summary>
    private static List<int> LiveProcessesIn(string ns)
    {
        var live = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            try
            {
                if (new FileInfo(Path.Join(dir, "ns", "pid")).LinkTarget == ns && !IsZombie(dir))
                    live.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone meanwhile, or not ours to look at
            }
        }
        return live;
    }

    private static bool IsZombie(string procDir)
    {
        string stat = File.ReadAllText(Path.Join(procDir, "stat"));
        return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
    }

    [GeneratedRegex(@"NAMESPACE (\S+)")]
    private static partial Regex NamespaceLine();
}
