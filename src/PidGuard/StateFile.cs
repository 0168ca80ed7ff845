using System.Text.Json;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>Reads and serialises <c>NAME.json</c>.</summary>
public static class StateFile
{
    /// <summary>
    /// A state file larger than this is not read, and a writer refuses to write one (so a very long
    /// command line is refused when the daemon starts, never written where readers would reject it).
    /// Linux caps a command line with its environment at 2 MiB by default; 4 MiB leaves room for JSON escaping.
    /// </summary>
    public const int MaxLength = 4 * 1024 * 1024;

    /// <summary>Reads the state record; null when the file is missing, not a regular file, too large or not valid JSON.</summary>
    public static DaemonStateRecord? Read(string path) => Read(path, Platforms.Current, out _);

    internal static DaemonStateRecord? Read(string path, IPlatform p, out string? problem) =>
        ReadBytes(path, p, out problem) is { } bytes ? Parse(bytes, path, out problem) : null;

    /// <summary>The state record of the daemon <paramref name="paths"/> names; null when there is none or the file records another name.</summary>
    internal static DaemonStateRecord? ReadFor(DaemonPaths paths, IPlatform p) =>
        Read(paths.StateFile, p, out _) is { } record && string.Equals(record.Name, paths.Name, StringComparison.Ordinal) ? record : null;

    /// <summary>
    /// Whose the file at <c>NAME.json</c> is: PidGuard's record of this name, PidGuard's but damaged
    /// (empty, zero-filled or a torn record, as a crash or power loss can leave it), or someone else's
    /// (a file of another program in a shared directory, which PidGuard never overwrites or removes).
    /// </summary>
    internal static StateFileClaim Claim(DaemonPaths paths, IPlatform p)
    {
        byte[]? bytes = ReadBytes(paths.StateFile, p, out string? problem);
        if (bytes is null)
            return problem is null ? new(StateFileKind.Missing, null, null) : new(StateFileKind.Foreign, null, problem);
        if (Parse(bytes, paths.StateFile, out problem) is { } record)
        {
            return string.Equals(record.Name, paths.Name, StringComparison.Ordinal)
                ? new(StateFileKind.Ours, record, null)
                : new(StateFileKind.Foreign, null, $"state file '{paths.StateFile}' records the daemon '{record.Name}', not '{paths.Name}'");
        }
        return LooksLikeATornRecord(bytes)
            ? new(StateFileKind.Damaged, null, problem)
            : new(StateFileKind.Foreign, null, $"'{paths.StateFile}' is not a PidGuard state file ({problem})");
    }

    /// <summary>Empty, all NUL bytes, or the start of what <see cref="Serialize"/> writes: <c>{</c> then <c>"version"</c>.</summary>
    private static bool LooksLikeATornRecord(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.ContainsAnyExcept((byte)0))
            return true;
        var text = bytes.TrimStart(" \t\r\n"u8);
        if (text.IsEmpty || text[0] != (byte)'{')
            return false;
        return text[1..].TrimStart(" \t\r\n"u8).StartsWith("\"version\""u8);
    }

    private static byte[]? ReadBytes(string path, IPlatform p, out string? problem)
    {
        var file = p.ReadSmallFile(path, MaxLength);
        problem = file.Kind switch
        {
            SmallFileKind.Missing or SmallFileKind.Read => null,
            SmallFileKind.SymbolicLink => $"state file '{path}' cannot be opened: {file.Detail ?? "it is a symbolic link, which PidGuard does not follow"}",
            SmallFileKind.NotRegularFile => $"state file '{path}' is {file.Detail}",
            SmallFileKind.TooLarge => $"state file '{path}' is {file.Size} bytes, over the {MaxLength} limit",
            SmallFileKind.CannotOpen => $"state file '{path}' cannot be opened: {file.Detail}",
            _ => $"state file '{path}' cannot be read: {file.Detail}",
        };
        return file.Kind == SmallFileKind.Read ? file.Content : null;
    }

    /// <summary>Parses state JSON; null (with the problem) when it is not a valid record.</summary>
    public static DaemonStateRecord? Parse(ReadOnlySpan<byte> json, string path, out string? problem)
    {
        problem = null;
        try
        {
            var record = ReadRecord(json);
            if (record is not null)
                StateFileVersion1.Upgrade(record);
            if (record is null || record.Pid <= 0)
            {
                problem = $"state file '{path}' holds no PID";
                return null;
            }
            return record;
        }
        catch (JsonException e)
        {
            problem = $"state file '{path}' is not valid JSON: {e.Message}";
            return null;
        }
    }

    /// <summary>The fast reader; what it rejects, the serializer decides (it is the reference: the reader must never be stricter).</summary>
    internal static DaemonStateRecord? ReadRecord(ReadOnlySpan<byte> json)
    {
        try
        {
            return StateRecordReader.Read(json);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return JsonSerializer.Deserialize(json, StateJsonContext.Default.DaemonStateRecord);
        }
    }

    /// <summary>The JSON of a record; throws <see cref="PidGuardException"/> when it would exceed <see cref="MaxLength"/>.</summary>
    internal static byte[] Serialize(DaemonStateRecord record, string path = "state file")
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(record, StateJsonContext.Default.DaemonStateRecord);
        if (json.Length > MaxLength)
        {
            long commandBytes = record.CommandLine?.Sum(a => (long)System.Text.Encoding.UTF8.GetByteCount(a)) ?? 0;
            throw new PidGuardException(
                $"The state of '{record.Name}' would take {json.Length} bytes in '{path}', over the {MaxLength}-byte limit of the state file (its command line alone is {commandBytes} bytes); shorten the command line.", path);
        }
        return json;
    }
}
