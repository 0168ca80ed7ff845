using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PidGuard.Cli;

/// <summary>The machine-readable form of a status, for <c>status --json</c> and <c>list --json</c> (docs/JSON.md).</summary>
internal sealed record StatusJson(
    int SchemaVersion,
    string Name,
    string State,
    int Lsb,
    int? Pid,
    int? LastPid,
    bool Verified,
    bool Legacy,
    bool Unresponsive,
    double? UptimeSeconds,
    double? HeartbeatAgeSeconds,
    long? MemoryBytes,
    int? SupervisorPid,
    string? Phase,
    IReadOnlyList<int> Holders,
    int? Restarts,
    DateTimeOffset? NextRestartAt,
    ExitRecord? LastExit,
    bool? Ready,
    string? Status,
    IReadOnlyList<string>? CommandLine,
    string? LogFile,
    string? Reason,
    string PidFile,
    string LockFile,
    string StateFile);

/// <summary><c>list --json</c>: every daemon of the runtime directory.</summary>
internal sealed record ListJson(int SchemaVersion, string RuntimeDirectory, bool RuntimeDirectoryExists, IReadOnlyList<StatusJson> Daemons);

/// <summary>Every field is written, null or not, so a script can rely on the keys; ' and + are written as they are.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(ListJson))]
[JsonSerializable(typeof(Cluster.ClusterStatusJson))]
[JsonSerializable(typeof(Cluster.ClusterListJson))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
    /// <summary>The version of the JSON the tool prints; raised when a field changes meaning or goes away.</summary>
    public const int SchemaVersion = 1;

    /// <summary>A context with the relaxed encoder: the output is for people and scripts alike, not for embedding in HTML.</summary>
    public static CliJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
