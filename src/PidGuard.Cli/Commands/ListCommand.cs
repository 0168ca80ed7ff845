using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace PidGuard.Cli.Commands;

internal static class ListCommand
{
    public static Command Create()
    {
        var dir = CommonOptions.Dir();
        var json = CommonOptions.Json();
        var command = new Command("list", "List every daemon in the runtime directory: name, state, PID, uptime, memory, command.");
        command.Aliases.Add("ls");
        command.Options.Add(dir);
        command.Options.Add(json);
        command.SetAction((result, _) => CommandAction.RunAsync(() =>
        {
            string directory = RuntimeDirectory.Resolve(result.GetValue(dir));
            var options = new PidGuardOptions { RuntimeDirectory = directory, OwnerWaitWindow = TimeSpan.Zero };
            var statuses = Names(directory).Select(n => DaemonProbe.GetStatus(n, options)).ToList();
            if (result.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(statuses.Select(StatusView.ToJson).ToList(), CliJsonContext.Default.ListStatusJson));
            else
                Console.Out.Write(Table(statuses));
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    /// <summary>Daemon names found in the directory: every NAME.lock or NAME.pid with a valid NAME.</summary>
    public static IEnumerable<string> Names(string directory)
    {
        if (!Directory.Exists(directory))
            return [];
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            string fileName = Path.GetFileName(file);
            string? name = fileName.EndsWith(".lock", StringComparison.Ordinal) ? fileName[..^5]
                : fileName.EndsWith(".pid", StringComparison.Ordinal) ? fileName[..^4] : null;
            if (name is not null && DaemonName.IsValid(name))
                names.Add(name);
        }
        return names;
    }

    private static string Table(List<DaemonStatus> statuses)
    {
        var rows = new List<string[]> { new[] { "NAME", "STATE", "PID", "UPTIME", "MEMORY", "COMMAND" } };
        foreach (var s in statuses)
        {
            rows.Add([
                s.Name,
                StatusView.StateWord(s),
                s.Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                s.Uptime is { } up ? TimeText.Of(up) : "-",
                StatusView.Bytes(StatusView.MemoryOf(s)),
                s.Record?.CommandLine is { } cmd ? string.Join(' ', cmd) : "-",
            ]);
        }
        int[] widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            for (int c = 0; c < 5; c++)
                text.Append(row[c].PadRight(widths[c] + 2));
            text.Append(row[5]).Append('\n');
        }
        return text.ToString();
    }
}
