using System.Diagnostics;
using System.Globalization;

namespace PidGuard.Cluster.Tests.Infrastructure;

/// <summary>The work markers the TestHost holders wrote: one line "pid epoch timestamp accepted" per work step.</summary>
public sealed record WorkMarker(int Pid, long Epoch, long Timestamp, bool Accepted)
{
    public static List<WorkMarker> ReadAll(string dir)
    {
        var list = new List<WorkMarker>();
        foreach (string file in Directory.GetFiles(dir))
        {
            foreach (string line in File.ReadAllLines(file))
            {
                var p = line.Split(' ');
                if (p.Length == 4)
                    list.Add(new WorkMarker(int.Parse(p[0], CultureInfo.InvariantCulture), long.Parse(p[1], CultureInfo.InvariantCulture),
                        long.Parse(p[2], CultureInfo.InvariantCulture), p[3] == "1"));
            }
        }
        return list.OrderBy(m => m.Timestamp).ToList();
    }

    /// <summary>Markers of <paramref name="oldPid"/> at or after the first marker of <paramref name="newPid"/>: two holders working at once.</summary>
    public static int Overlap(List<WorkMarker> all, int oldPid, int newPid, out TimeSpan gap)
    {
        long firstNew = all.Where(m => m.Pid == newPid).Min(m => m.Timestamp);
        long lastOld = all.Where(m => m.Pid == oldPid).Max(m => m.Timestamp);
        gap = Stopwatch.GetElapsedTime(lastOld, firstNew);
        return all.Count(m => m.Pid == oldPid && m.Timestamp >= firstNew);
    }

    public static long First(List<WorkMarker> all, int pid) => all.Where(m => m.Pid == pid).Min(m => m.Timestamp);
}

/// <summary>Measured numbers: to the test output, and appended to PIDGUARD_CLUSTER_RESULTS when set.</summary>
public static class Results
{
    public static void Report(string line)
    {
        TestContext.Current.TestOutputHelper?.WriteLine("RESULT " + line);
        if (Environment.GetEnvironmentVariable("PIDGUARD_CLUSTER_RESULTS") is { Length: > 0 } file)
            File.AppendAllText(file, "RESULT " + line + Environment.NewLine);
    }

    public static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public static int Rounds(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : fallback;
}
