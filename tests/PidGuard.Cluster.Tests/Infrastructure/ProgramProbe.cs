using System.Diagnostics;
using System.Globalization;

namespace PidGuard.Cluster.Tests.Infrastructure;

/// <summary>
/// The program a supervisor runs in the CLI tests: a shell that writes its PID and PIDGUARD_CLUSTER_EPOCH
/// into its own directory, appends "term" there on SIGTERM (then exits 0, or goes on when told to ignore
/// it), and otherwise runs until stopped. Liveness is read from /proc; only a process whose command line
/// names this probe's directory is ever signalled by the test.
/// </summary>
public sealed class ProgramProbe
{
    public ProgramProbe(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
    }

    public string Directory { get; }

    public string PidFile => Path.Join(Directory, "pid");

    public string EpochFile => Path.Join(Directory, "epoch");

    public string TermFile => Path.Join(Directory, "term");

    /// <summary>The command after --: <c>sh -c SCRIPT sh DIR</c>.</summary>
    public string[] Command(bool ignoreTerm = false)
    {
        string onTerm = ignoreTerm ? "echo term >> \"$1/term\"" : "echo term >> \"$1/term\"; exit 0";
        string script = $"echo \"$PIDGUARD_CLUSTER_EPOCH\" > \"$1/epoch.tmp\"; mv \"$1/epoch.tmp\" \"$1/epoch\"; echo $$ > \"$1/pid.tmp\"; mv \"$1/pid.tmp\" \"$1/pid\"; trap '{onTerm}' TERM; while :; do sleep 0.05; done";
        return ["sh", "-c", script, "sh", Directory];
    }

    public bool Started => File.Exists(PidFile);

    public int Pid => int.Parse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture);

    public long Epoch => long.Parse(File.ReadAllText(EpochFile).Trim(), CultureInfo.InvariantCulture);

    public bool GotTerm => File.Exists(TermFile);

    /// <summary>True while the program runs (a zombie does not run).</summary>
    public bool Alive
    {
        get
        {
            if (!Started)
                return false;
            try
            {
                string stat = File.ReadAllText($"/proc/{Pid}/stat");
                string cmdline = File.ReadAllText($"/proc/{Pid}/cmdline");
                return stat[(stat.LastIndexOf(')') + 2)] != 'Z' && cmdline.Contains(Directory, StringComparison.Ordinal);
            }
            catch (IOException)
            {
                return false;
            }
        }
    }

    /// <summary>Waits for the program to start; fails after <paramref name="timeoutMs"/>.</summary>
    public void WaitStarted(int timeoutMs, Func<string> context)
    {
        if (!Wait.Until(() => Started && File.Exists(EpochFile), timeoutMs))
            throw new TimeoutException($"the program did not start in {timeoutMs} ms: {context()}");
    }

    /// <summary>Ends a program left running by a failed test (only if it is still this probe's).</summary>
    public void Cleanup()
    {
        if (Alive)
        {
            try
            {
                Process.GetProcessById(Pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
            }
        }
    }
}

public static class Wait
{
    /// <summary>Polls <paramref name="condition"/> every 10 ms until it holds or the time is up.</summary>
    public static bool Until(Func<bool> condition, int timeoutMs)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.ElapsedMilliseconds > timeoutMs)
                return false;
            Thread.Sleep(10);
        }
        return true;
    }
}
