using System.Text.Json;

namespace PidGuard;

/// <summary>
/// Reads <c>NAME.json</c> with a <see cref="Utf8JsonReader"/> loop instead of the serializer: every
/// <c>status</c>, <c>stop</c> and <c>list</c> reads one, and the serializer's first use (its metadata and
/// the encoder tables behind the property names) was a fifth of a native <c>pidguard status</c>
/// (docs/BENCHMARKS.md). It accepts and rejects exactly what <see cref="StateJsonContext"/> does — the
/// same names (case-sensitive), the reader's own JSON grammar, numbers and dates through the same
/// <c>Get*</c> calls, <c>null</c> only where the property is nullable or a reference, unknown
/// properties kept in <see cref="DaemonStateRecord.Extra"/> and skipped in nested objects, nothing after
/// the root — which a differential fuzz test checks (<c>StateRecordReaderTests</c>). What it rejects,
/// <see cref="StateFile.Parse"/> hands to the serializer, so that a rejection is always the serializer's
/// (an escaped unknown name with invalid UTF-8 is one the serializer accepts). Writing stays with the serializer.
/// </summary>
internal static class StateRecordReader
{
    /// <summary>The record, or null for a JSON <c>null</c>.</summary>
    /// <exception cref="JsonException">Not valid JSON, or a value of the wrong type.</exception>
    /// <exception cref="FormatException">A number out of range for its property.</exception>
    /// <exception cref="InvalidOperationException">A token of the wrong kind for its property.</exception>
    public static DaemonStateRecord? Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        Next(ref reader);
        DaemonStateRecord? record = reader.TokenType == JsonTokenType.Null ? null : Record(ref reader);
        if (reader.Read())
            throw new JsonException("The state file holds more than one JSON value.");
        return record;
    }

    private static DaemonStateRecord Record(ref Utf8JsonReader r)
    {
        Expect(ref r, JsonTokenType.StartObject);
        var record = new DaemonStateRecord();
        while (Property(ref r))
        {
            if (r.ValueTextEquals("version"u8)) record.Version = Int(ref r);
            else if (r.ValueTextEquals("name"u8)) record.Name = String(ref r)!;
            else if (r.ValueTextEquals("pid"u8)) record.Pid = Int(ref r);
            else if (r.ValueTextEquals("startToken"u8)) record.StartToken = String(ref r);
            else if (r.ValueTextEquals("bootId"u8)) record.BootId = String(ref r);
            else if (r.ValueTextEquals("startedAt"u8)) record.StartedAt = Date(ref r);
            else if (r.ValueTextEquals("heartbeatAt"u8)) record.HeartbeatAt = NullOr(ref r, Date);
            else if (r.ValueTextEquals("heartbeatIntervalMs"u8)) record.HeartbeatIntervalMs = NullOr(ref r, (ref Utf8JsonReader x) => Number(ref x).GetInt64());
            else if (r.ValueTextEquals("status"u8)) record.Status = String(ref r);
            else if (r.ValueTextEquals("commandLine"u8)) record.CommandLine = Strings(ref r);
            else if (r.ValueTextEquals("workingDirectory"u8)) record.WorkingDirectory = String(ref r);
            else if (r.ValueTextEquals("host"u8)) record.Host = String(ref r);
            else if (r.ValueTextEquals("lockFile"u8)) record.LockFile = ObjectOrNull(ref r, LockFile);
            else if (r.ValueTextEquals("supervisor"u8)) record.Supervisor = ObjectOrNull(ref r, Process);
            else if (r.ValueTextEquals("phase"u8)) record.Phase = String(ref r);
            else if (r.ValueTextEquals("logFile"u8)) record.LogFile = String(ref r);
            else if (r.ValueTextEquals("restartPolicy"u8)) record.RestartPolicy = String(ref r);
            else if (r.ValueTextEquals("maxRestarts"u8)) record.MaxRestarts = NullOr(ref r, Int);
            else if (r.ValueTextEquals("restartWindowSeconds"u8)) record.RestartWindowSeconds = NullOr(ref r, (ref Utf8JsonReader x) => Number(ref x).GetDouble());
            else if (r.ValueTextEquals("ready"u8)) record.Ready = NullOr(ref r, Bool);
            else if (r.ValueTextEquals("restarts"u8)) record.Restarts = NullOr(ref r, Int);
            else if (r.ValueTextEquals("nextRestartAt"u8)) record.NextRestartAt = NullOr(ref r, Date);
            else if (r.ValueTextEquals("lastExit"u8)) record.LastExit = ObjectOrNull(ref r, Exit);
            else
            {
                string key = UnknownName(ref r);
                Next(ref r);
                (record.Extra ??= [])[key] = JsonElement.ParseValue(ref r);
            }
        }
        return record;
    }

    /// <summary>As the serializer names an unknown property: invalid UTF-8 becomes U+FFFD instead of an error (escaped names: the caller's fallback).</summary>
    private static string UnknownName(ref Utf8JsonReader r) =>
        r.ValueIsEscaped ? r.GetString()! : System.Text.Encoding.UTF8.GetString(r.ValueSpan);

    private static FileIdentity LockFile(ref Utf8JsonReader r)
    {
        var file = new FileIdentity();
        while (Property(ref r))
        {
            if (r.ValueTextEquals("device"u8)) file.Device = Number(ref r).GetUInt64();
            else if (r.ValueTextEquals("inode"u8)) file.Inode = Number(ref r).GetUInt64();
            else Skip(ref r);
        }
        return file;
    }

    private static ProcessRecord Process(ref Utf8JsonReader r)
    {
        var process = new ProcessRecord();
        while (Property(ref r))
        {
            if (r.ValueTextEquals("pid"u8)) process.Pid = Int(ref r);
            else if (r.ValueTextEquals("startToken"u8)) process.StartToken = String(ref r);
            else if (r.ValueTextEquals("startedAt"u8)) process.StartedAt = NullOr(ref r, Date);
            else Skip(ref r);
        }
        return process;
    }

    private static ExitRecord Exit(ref Utf8JsonReader r)
    {
        var exit = new ExitRecord();
        while (Property(ref r))
        {
            if (r.ValueTextEquals("pid"u8)) exit.Pid = NullOr(ref r, Int);
            else if (r.ValueTextEquals("code"u8)) exit.Code = NullOr(ref r, Int);
            else if (r.ValueTextEquals("signal"u8)) exit.Signal = NullOr(ref r, Int);
            else if (r.ValueTextEquals("at"u8)) exit.At = Date(ref r);
            else Skip(ref r);
        }
        return exit;
    }

    private delegate T ValueReader<T>(ref Utf8JsonReader r);

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool Property(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.EndObject)
            return false;
        Expect(ref r, JsonTokenType.PropertyName);
        return true;
    }

    /// <summary>The property's value as an object: its fields read by <paramref name="read"/> (positioned on the start), or null.</summary>
    private static T? ObjectOrNull<T>(ref Utf8JsonReader r, ValueReader<T> read) where T : class
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.Null)
            return null;
        Expect(ref r, JsonTokenType.StartObject);
        return read(ref r);
    }

    private static T? NullOr<T>(ref Utf8JsonReader r, ValueReader<T> read) where T : struct
    {
        var peek = r;
        Next(ref peek);
        if (peek.TokenType == JsonTokenType.Null)
        {
            r = peek;
            return null;
        }
        return read(ref r);
    }

    private static int Int(ref Utf8JsonReader r) => Number(ref r).GetInt32();

    private static ref Utf8JsonReader Number(ref Utf8JsonReader r)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.Number);
        return ref r;
    }

    private static bool Bool(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.GetBoolean();
    }

    private static DateTimeOffset Date(ref Utf8JsonReader r)
    {
        Next(ref r);
        Expect(ref r, JsonTokenType.String);
        return r.TryGetDateTimeOffset(out var value) ? value : throw new JsonException("A date in the state file is not in ISO 8601 form.");
    }

    /// <summary>A string or null (the serializer sets null even where the property is declared non-nullable).</summary>
    private static string? String(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.Null)
            return null;
        Expect(ref r, JsonTokenType.String);
        return r.GetString();
    }

    private static List<string>? Strings(ref Utf8JsonReader r)
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.Null)
            return null;
        Expect(ref r, JsonTokenType.StartArray);
        var list = new List<string>();
        while (true)
        {
            Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray)
                return list;
            if (r.TokenType != JsonTokenType.Null)
                Expect(ref r, JsonTokenType.String);
            list.Add(r.GetString()!);
        }
    }

    private static void Skip(ref Utf8JsonReader r)
    {
        Next(ref r);
        r.Skip();
    }

    private static void Next(ref Utf8JsonReader r)
    {
        if (!r.Read())
            throw new JsonException("The state file ends inside its JSON.");
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type)
    {
        if (r.TokenType != type)
            throw new JsonException($"The state file has a {r.TokenType} where a {type} belongs.");
    }
}
