using System.Text;
using System.Text.Json;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// The hand-written state file reader against the serializer it replaced for reading: on every input
/// both accept the same record (compared by what the serializer writes back) or both reject it.
/// </summary>
public sealed class StateRecordReaderTests
{
    private static readonly int Iterations = Environment.GetEnvironmentVariable("PIDGUARD_FUZZ_ITERATIONS") is { } n && int.TryParse(n, out int i) ? Math.Max(2_000, i / 10) : 20_000;

    /// <summary>What the serializer makes of <paramref name="json"/>: the record written back, "null", or null when it rejects it.</summary>
    private static string? BySerializer(byte[] json)
    {
        try
        {
            return WrittenBack(JsonSerializer.Deserialize(json, StateJsonContext.Default.DaemonStateRecord));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>What the state file reading makes of it: the reader, and the serializer for what the reader rejects.</summary>
    private static string? ByReader(byte[] json)
    {
        try
        {
            return WrittenBack(StateFile.ReadRecord(json));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Without the fallback: how often the reader alone agrees (it must never accept what the serializer rejects).</summary>
    private static string? ByReaderAlone(byte[] json)
    {
        try
        {
            return WrittenBack(StateRecordReader.Read(json));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string WrittenBack(DaemonStateRecord? record)
    {
        if (record is null)
            return "null";
        try
        {
            return Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(record, StateJsonContext.Default.DaemonStateRecord));
        }
        catch (ArgumentException)
        {
            return $"unwritable (restartWindowSeconds {record.RestartWindowSeconds})"; // 1e400 reads as infinity, which JSON cannot hold
        }
    }

    /// <summary>
    /// The same verdict as the serializer. The fast reader alone never accepts more or differently, and rejects
    /// more (the serializer then decides) only for invalid UTF-8: everything else stays on the fast path.
    /// </summary>
    private static void AssertSame(byte[] json)
    {
        string? expected = BySerializer(json), actual = ByReader(json), alone = ByReaderAlone(json);
        bool fastPathMissed = alone is null && expected is not null && System.Text.Unicode.Utf8.IsValid(json);
        if (expected != actual || alone is not null && alone != expected || fastPathMissed)
            Assert.Fail($"input: {Encoding.UTF8.GetString(json)}\nserializer: {expected ?? "(rejected)"}\nreader: {actual ?? "(rejected)"}\nreader alone: {alone ?? "(rejected)"}");
    }

    private static DaemonStateRecord Full() => new()
    {
        Version = 2,
        Name = "web-1",
        Pid = 4242,
        StartToken = "123456",
        BootId = "b0b0b0b0-1111-2222-3333-444444444444",
        StartedAt = new DateTimeOffset(2026, 11, 23, 18, 35, 5, 881, TimeSpan.FromHours(1)).AddTicks(3551),
        HeartbeatAt = DateTimeOffset.UnixEpoch,
        HeartbeatIntervalMs = long.MaxValue,
        Status = "serving \"quoted\" \u00e9\u4e2d\ud83d\ude00 \t\n",
        CommandLine = ["sh", "-c", "exit 2", "", "\u0001\u001f"],
        WorkingDirectory = "/work/main",
        Host = "vm",
        LockFile = new FileIdentity { Device = ulong.MaxValue, Inode = 12230817 },
        Supervisor = new ProcessRecord { Pid = 33, StartToken = "2231642", StartedAt = DateTimeOffset.MaxValue },
        Phase = SupervisorPhase.Exited,
        LogFile = "/tmp/x/beta.log",
        RestartPolicy = "on-failure",
        MaxRestarts = int.MinValue,
        RestartWindowSeconds = 1.5e-300,
        Ready = false,
        Restarts = 0,
        NextRestartAt = DateTimeOffset.MinValue,
        LastExit = new ExitRecord { Pid = 48, Code = 2, Signal = 15, At = new DateTimeOffset(2026, 11, 23, 18, 35, 5, TimeSpan.Zero) },
        Extra = new() { ["childPid"] = JsonDocument.Parse("44").RootElement, ["future"] = JsonDocument.Parse("""{"a":[1,{"b":null}],"c":"d"}""").RootElement },
    };

    [Fact]
    public void Every_field_reads_back_as_the_serializer_reads_it()
    {
        AssertSame(JsonSerializer.SerializeToUtf8Bytes(Full(), StateJsonContext.Default.DaemonStateRecord));
        AssertSame(JsonSerializer.SerializeToUtf8Bytes(new DaemonStateRecord { Name = "m", Pid = 2 }, StateJsonContext.Default.DaemonStateRecord));
        var read = StateRecordReader.Read(JsonSerializer.SerializeToUtf8Bytes(Full(), StateJsonContext.Default.DaemonStateRecord))!;
        Assert.Equal(Full().StartedAt, read.StartedAt);
        Assert.Equal(ulong.MaxValue, read.LockFile!.Device);
        Assert.Equal(["sh", "-c", "exit 2", "", "\u0001\u001f"], read.CommandLine);
        Assert.Equal(JsonValueKind.Object, read.Extra!["future"].ValueKind);
    }

    [Fact]
    public void The_full_record_sets_every_field_so_a_new_field_the_reader_misses_fails_the_comparison()
    {
        foreach (var (type, value) in new (Type, object)[] { (typeof(DaemonStateRecord), Full()), (typeof(FileIdentity), Full().LockFile!), (typeof(ProcessRecord), Full().Supervisor!), (typeof(ExitRecord), Full().LastExit!) })
        {
            foreach (var property in type.GetProperties().Where(p => p.CanWrite))
            {
                object? set = property.GetValue(value);
                bool unset = set is null || (property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null && set.Equals(Activator.CreateInstance(property.PropertyType)));
                Assert.False(unset, $"{type.Name}.{property.Name} is not set in Full(): set it, so the reader is compared on it");
            }
        }
    }

    [Theory]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("[]")]
    [InlineData("3")]
    [InlineData("\"x\"")]
    [InlineData("{}")]
    [InlineData("{} {}")]
    [InlineData("{}x")]
    [InlineData("{\"pid\":3} ")]
    [InlineData("{\"pid\":3,}")]
    [InlineData("{\"pid\":3 /* c */}")]
    [InlineData("{\"pid\":null}")]
    [InlineData("{\"pid\":\"3\"}")]
    [InlineData("{\"pid\":3.0}")]
    [InlineData("{\"pid\":3e0}")]
    [InlineData("{\"pid\":-0}")]
    [InlineData("{\"pid\":2147483648}")]
    [InlineData("{\"pid\":01}")]
    [InlineData("{\"PID\":3}")]
    [InlineData("{\"p\\u0069d\":3}")]
    [InlineData("{\"pid\":3,\"pid\":4}")]
    [InlineData("{\"name\":null,\"pid\":3}")]
    [InlineData("{\"name\":5,\"pid\":3}")]
    [InlineData("{\"version\":null,\"pid\":3}")]
    [InlineData("{\"startedAt\":\"2026-11-23\",\"pid\":3}")]
    [InlineData("{\"startedAt\":\"2026-11-23T18:35:05.8813551+00:00\",\"pid\":3}")]
    [InlineData("{\"startedAt\":\"yesterday\",\"pid\":3}")]
    [InlineData("{\"startedAt\":null,\"pid\":3}")]
    [InlineData("{\"heartbeatAt\":null,\"heartbeatIntervalMs\":null,\"pid\":3}")]
    [InlineData("{\"heartbeatIntervalMs\":9223372036854775808,\"pid\":3}")]
    [InlineData("{\"restartWindowSeconds\":1e400,\"pid\":3}")]
    [InlineData("{\"restartWindowSeconds\":-1E-3,\"pid\":3}")]
    [InlineData("{\"ready\":\"true\",\"pid\":3}")]
    [InlineData("{\"ready\":1,\"pid\":3}")]
    [InlineData("{\"commandLine\":null,\"pid\":3}")]
    [InlineData("{\"commandLine\":[\"a\",null,\"b\"],\"pid\":3}")]
    [InlineData("{\"commandLine\":[\"a\",1],\"pid\":3}")]
    [InlineData("{\"commandLine\":\"a\",\"pid\":3}")]
    [InlineData("{\"commandLine\":[[\"a\"]],\"pid\":3}")]
    [InlineData("{\"lockFile\":null,\"supervisor\":null,\"lastExit\":null,\"pid\":3}")]
    [InlineData("{\"lockFile\":{\"device\":-1,\"inode\":2},\"pid\":3}")]
    [InlineData("{\"lockFile\":{\"device\":1,\"inode\":2,\"extra\":{\"x\":[1]}},\"pid\":3}")]
    [InlineData("{\"lockFile\":[],\"pid\":3}")]
    [InlineData("{\"lockFile\":{\"device\":null},\"pid\":3}")]
    [InlineData("{\"supervisor\":{\"pid\":4,\"startedAt\":null,\"other\":true},\"pid\":3}")]
    [InlineData("{\"supervisor\":{\"pid\":null},\"pid\":3}")]
    [InlineData("{\"lastExit\":{\"pid\":null,\"code\":null,\"signal\":9,\"at\":\"2026-11-23T00:00:00Z\"},\"pid\":3}")]
    [InlineData("{\"lastExit\":{\"at\":null},\"pid\":3}")]
    [InlineData("{\"unknown\":1,\"unknown\":2,\"pid\":3}")]
    [InlineData("{\"a\":{\"b\":[1,2,{\"c\":null}]},\"pid\":3,\"z\":\"\\u00e9\"}")]
    [InlineData("{\"extra\":1,\"Extra\":2,\"pid\":3}")]
    [InlineData("{\"pid\":3,\"childPid\":44,\"childStartToken\":\"9\",\"version\":1}")]
    [InlineData("{\"name\":\"\\ud800\",\"pid\":3}")]
    [InlineData("{\"pid\":3}\u0000")]
    [InlineData("{\"pid\":1,\"\\u0041\\u00e9\":1}")]
    public void Edge_cases_are_accepted_or_rejected_as_the_serializer_does(string json) => AssertSame(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Unknown_names_with_invalid_UTF_8_escaped_or_not_are_kept_as_the_serializer_keeps_them()
    {
        AssertSame([.. "{\"pid\":1,\"\\u0041"u8, 0xFF, .. "\":1}"u8]);
        AssertSame([.. "{\"pid\":1,\"A"u8, 0xFF, .. "\":1}"u8]);
        AssertSame([.. "{\"pid\":1,\"n\\u0061me"u8, 0xFF, .. "\":1}"u8]);
    }

    [Fact]
    public void Deep_nesting_in_an_unknown_property_is_rejected_by_both()
    {
        string deep = "{\"pid\":3,\"x\":" + new string('[', 100) + new string(']', 100) + "}";
        AssertSame(Encoding.UTF8.GetBytes(deep));
    }

    [Fact]
    public void Mutated_records_are_read_the_same_by_both()
    {
        var random = new Random(20261123);
        byte[] seed = JsonSerializer.SerializeToUtf8Bytes(Full(), StateJsonContext.Default.DaemonStateRecord);
        string[] tokens = ["null", "\"x\"", "1.5", "-1", "1e3", "true", "false", "[", "]", "{", "}", ",", ":", "\"pid\"", "\"version\"",
            "18446744073709551615", "2147483648", "\"2026-11-23T00:00:00Z\"", "\"\\u0061\"", "0", "[]", "{}", " ", "\"", "\\"];
        for (int i = 0; i < Iterations; i++)
        {
            var input = new List<byte>(seed);
            int edits = random.Next(1, 4);
            for (int e = 0; e < edits && input.Count > 0; e++)
            {
                int at = random.Next(input.Count);
                switch (random.Next(5))
                {
                    case 0:
                        input[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        input.RemoveRange(at, Math.Min(random.Next(1, 16), input.Count - at));
                        break;
                    case 2:
                        input.InsertRange(at, Encoding.UTF8.GetBytes(tokens[random.Next(tokens.Length)]));
                        break;
                    case 3:
                        // A value replaced by a token: after a ':' up to the next ',' or '}'.
                        int colon = input.IndexOf((byte)':', at);
                        if (colon < 0)
                            break;
                        int end = colon + 1;
                        while (end < input.Count && input[end] is not ((byte)',' or (byte)'}' or (byte)'\n'))
                            end++;
                        input.RemoveRange(colon + 1, end - colon - 1);
                        input.InsertRange(colon + 1, Encoding.UTF8.GetBytes(tokens[random.Next(tokens.Length)]));
                        break;
                    default:
                        input.RemoveRange(at, input.Count - at);
                        break;
                }
            }
            AssertSame([.. input]);
        }
    }
}
