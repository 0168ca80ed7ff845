using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using PidGuard.Cli.Cluster;
using PidGuard.Cli.Native;

namespace PidGuard.Cli.Commands;

internal static class ListCommand
{
    public static Command Create()
    {
        var dir = CommonOptions.Dir();
        var json = CommonOptions.Json();
        var command = new Command("list", "List every daemon in the runtime directory: name, state, PID, uptime, memory, command (cut to the terminal's width). Example: pidguard list --json");
        command.Aliases.Add("ls");
        command.Options.Add(dir);
        command.Options.Add(json);
        var cluster = new ClusterOptions(timings: false);
        cluster.AddTo(command);
        command.SetAction((result, ct) => CommandAction.RunAsync(() =>
        {
            if (cluster.Read(result, environmentTurnsOn: false) is { } settings)
                return ClusterAdminCommands.ListAsync(settings, result.GetValue(json), ct);
            string directory = RuntimeDirectory.Resolve(result.GetValue(dir));
            var options = new PidGuardOptions { RuntimeDirectory = directory, OwnerWaitWindow = TimeSpan.Zero };
            var statuses = Probe(DaemonNames.In(directory).ToArray(), options);
            bool exists = Directory.Exists(directory);
            if (result.GetValue(json))
            {
                var list = new ListJson(CliJsonContext.SchemaVersion, directory, exists, statuses.Select(s => StatusView.ToJson(s.Status, s.Memory)).ToList());
                Output.Out.WriteLine(JsonSerializer.Serialize(list, CliJsonContext.Relaxed.ListJson));
            }
            else
            {
                Output.Out.Write(Table(statuses, Width()));
            }
            if (!exists && CommonOptions.MissingDirectoryHint(directory) is { } hint)
                Output.Error.WriteLine($"pidguard: {hint}");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    /// <summary>
    /// Every name's status and memory, probed on as many threads as there are cores (each probe is some
    /// 40 system calls; a thousand daemons took 82 ms on one thread), in name order.
    /// </summary>
    private static List<(DaemonStatus Status, long? Memory)> Probe(string[] names, PidGuardOptions options)
    {
        var results = new (DaemonStatus, long?)[names.Length];
        void One(int i)
        {
            var status = DaemonProbe.GetStatus(names[i], options);
            results[i] = (status, StatusView.MemoryOf(status));
        }
        if (names.Length < 32)
        {
            for (int i = 0; i < names.Length; i++)
                One(i);
        }
        else
        {
            Parallel.For(0, names.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, One);
        }
        return [.. results];
    }

    /// <summary>The terminal's width: $COLUMNS, else the terminal on stdout; none (no cutting) when stdout is not a terminal.</summary>
    private static int? Width() =>
        int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out int columns) && columns > 0
            ? columns
            : Libc.TerminalColumns(1);

    private static string Table(List<(DaemonStatus Status, long? Memory)> statuses, int? width)
    {
        var rows = new List<string[]> { new[] { "NAME", "STATE", "PID", "UPTIME", "MEMORY", "COMMAND" } };
        foreach (var (s, memory) in statuses)
        {
            rows.Add([
                s.Name,
                StatusView.StateWord(s),
                s.State == DaemonState.Running ? s.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-" : "-",
                StatusView.Uptime(s) is { } up ? TimeText.Of(up) : "-",
                StatusView.Bytes(memory),
                s.Record?.CommandLine is { } cmd ? ShellQuote.Join(cmd) : "-",
            ]);
        }
        int[] widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        int commandColumn = widths.Sum() + 2 * 5;
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (int c = 0; c < 5; c++)
                line.Append(row[c].PadRight(widths[c] + 2));
            string command = row[5];
            if (width is { } w && commandColumn + command.Length > w)
            {
                int keep = w - commandColumn - 3;
                if (keep > 0 && char.IsHighSurrogate(command[keep - 1]))
                    keep--; // never half a character
                command = keep > 0 ? command[..keep] + "..." : "";
            }
            text.Append(line.Append(command).ToString().TrimEnd()).Append('\n');
        }
        return text.ToString();
    }
}
