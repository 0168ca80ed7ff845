using System.Text.Json.Serialization;

namespace PidGuard;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(DaemonStateRecord))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
