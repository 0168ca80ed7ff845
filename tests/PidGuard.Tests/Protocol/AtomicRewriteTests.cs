using System.Text;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// A reader hammering NAME.json and NAME.pid while the holder rewrites them sees the old or the new
/// content, never an empty, partial or unparsable file (each rewrite is a temp file renamed over it).
/// </summary>
public class AtomicRewriteTests : IDisposable
{
    private const int Rewrites = 300;
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Reads <paramref name="path"/> in a loop until stopped; returns the reads made and every bad content seen.</summary>
    private static Task<(int Reads, List<string> Bad)> Hammer(string path, Func<byte[], string?> problem, CancellationToken stop) => Task.Factory.StartNew(() =>
    {
        int reads = 0;
        var bad = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            byte[] content;
            try
            {
                content = ReadToEnd(path);
            }
            catch (FileNotFoundException)
            {
                continue; // between a program's runs there is no pid file: absent is not torn
            }
            reads++;
            if (problem(content) is { } p && bad.Count < 5)
                bad.Add(p);
        }
        return (reads, bad);
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Whatever one open of the file reads up to its end (File.ReadAllBytes would throw on a file that shrinks).</summary>
    private static byte[] ReadToEnd(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var content = new MemoryStream();
        file.CopyTo(content);
        return content.ToArray();
    }

    private static async Task AssertNeverTorn(Task<(int Reads, List<string> Bad)> reader, CancellationTokenSource stop)
    {
        await stop.CancelAsync();
        var (reads, bad) = await reader.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(bad.Count == 0, "the reader saw:\n" + string.Join('\n', bad));
        Assert.True(reads > 20, $"only {reads} reads: the reader did not run alongside the writer");
    }

    [Fact]
    public async Task A_reader_never_sees_a_torn_state_file_while_UpdateState_and_Heartbeat_rewrite_it()
    {
        // A large record (a 64 KiB command line) takes several write(2) calls: a torn file would be seen.
        // No fsync: atomicity comes from the rename, not from the sync.
        string[] commandLine = ["prog", new string('a', 64 * 1024)];
        using var held = _dir.Acquire("state", o => { o.CommandLine = commandLine; o.HeartbeatInterval = TimeSpan.FromSeconds(1); o.SyncWrites = false; });
        using var stop = new CancellationTokenSource();
        var reader = Hammer(held.Paths.StateFile, content =>
        {
            var record = StateFile.Parse(content, "state", out string? problem);
            if (record is null)
                return $"{content.Length} bytes: {problem}";
            return record.Pid == Environment.ProcessId && record.CommandLine?.Count == 2 && record.CommandLine[1].Length == commandLine[1].Length
                ? null : $"a record that was never written: pid {record.Pid}";
        }, stop.Token);
        for (int i = 0; i < Rewrites; i++)
        {
            if (i % 2 == 0)
                held.UpdateState(s => s.Status = new string('s', i % 7 * 500));
            else
                held.Heartbeat($"beat {i}");
        }
        await AssertNeverTorn(reader, stop);
        Assert.Equal($"beat {Rewrites - 1}", StateFile.Read(held.Paths.StateFile)!.Status);
    }

    [Fact]
    public async Task A_reader_never_sees_a_torn_pid_or_state_file_while_RecordMainProcess_rewrites_them()
    {
        using var supervisor = _dir.Acquire("supervised", o => { o.Supervising = true; o.SyncWrites = false; });
        var programs = Enumerable.Range(0, 4)
            .Select(_ => supervisor.StartProcess(new DaemonStartInfo("true") { StandardOutput = DaemonStdio.Null, StandardError = DaemonStdio.Null }))
            .ToList();
        try
        {
            // Exited but not reaped: their PIDs stay theirs while the files name them.
            foreach (var program in programs)
                await program.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            var written = programs.Select(p => $"{p.Id}\n").ToHashSet(StringComparer.Ordinal);
            var pids = programs.Select(p => p.Id).ToHashSet();
            using var stop = new CancellationTokenSource();
            var pidReader = Hammer(supervisor.Paths.PidFile, content =>
                written.Contains(Encoding.ASCII.GetString(content)) ? null : $"pid file '{Encoding.ASCII.GetString(content).ReplaceLineEndings("\\n")}'", stop.Token);
            var stateReader = Hammer(supervisor.Paths.StateFile, content =>
                StateFile.Parse(content, "state", out string? problem) is { } record
                    ? pids.Contains(record.Pid) || record.Pid == Environment.ProcessId ? null : $"state names PID {record.Pid}"
                    : $"{content.Length} bytes: {problem}", stop.Token);
            for (int i = 0; i < Rewrites; i++)
                supervisor.RecordMainProcess(programs[i % programs.Count]);
            await AssertNeverTorn(pidReader, stop);
            await AssertNeverTorn(stateReader, stop);
            Assert.Equal($"{programs[(Rewrites - 1) % programs.Count].Id}\n", await File.ReadAllTextAsync(supervisor.Paths.PidFile, TestContext.Current.CancellationToken));
        }
        finally
        {
            foreach (var program in programs)
                program.Dispose();
        }
    }
}
