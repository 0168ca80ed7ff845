using System.Globalization;
using System.Text.Json.Serialization;
using PidGuard.Cli.Cluster;

namespace PidGuard.Cli;

/// <summary>
/// <c>NAME.start.json</c> (0644): what `start` was given, so that `restart` replays it, also after a
/// stop. No secrets: --env values are in <c>NAME.env</c> (0600) and env files are kept by path.
/// </summary>
internal sealed class StartDefinition
{
    public const int CurrentVersion = 1;

    public int SchemaVersion { get; set; } = CurrentVersion;
    public List<string> Command { get; set; } = [];
    public string WorkingDirectory { get; set; } = "/";
    public List<string> EnvFiles { get; set; } = [];
    public string? Umask { get; set; }
    public string? User { get; set; }
    public string? Group { get; set; }
    public string LogFile { get; set; } = "";
    public long? LogMaxSize { get; set; }
    public int LogKeep { get; set; } = LogRotation.DefaultKeep;
    public string Restart { get; set; } = "no";
    public int? MaxRestarts { get; set; }
    public double RestartWindowSeconds { get; set; } = 60;
    public double? WaitReadySeconds { get; set; }

    /// <summary>--cluster: the namespace and timings; the connection (it may hold a password) is kept in NAME.env.</summary>
    public ClusterDefinition? Cluster { get; set; }

    public static StartDefinition From(StartRequest r) => new()
    {
        Command = [.. r.Command],
        WorkingDirectory = r.WorkingDirectory,
        EnvFiles = [.. r.EnvFiles],
        Umask = r.Umask is { } u ? "0" + Convert.ToString(u, 8) : null,
        User = r.User,
        Group = r.Group,
        LogFile = r.LogFile,
        LogMaxSize = r.LogMaxSize,
        LogKeep = r.LogKeep,
        Restart = RestartPolicies.Text(r.Restart),
        MaxRestarts = r.MaxRestarts,
        RestartWindowSeconds = r.RestartWindow.TotalSeconds,
        WaitReadySeconds = r.WaitReady?.TotalSeconds,
        Cluster = r.Cluster is { } c ? ClusterDefinition.From(c) : null,
    };

    public StartRequest ToRequest(IReadOnlyDictionary<string, string> environment, TimeSpan? waitReady) => new()
    {
        Command = Command,
        WorkingDirectory = WorkingDirectory,
        EnvFiles = EnvFiles,
        Environment = environment,
        Umask = Umask is null ? null : Convert.ToInt32(Umask, 8),
        User = User,
        Group = Group,
        LogFile = LogFile,
        LogMaxSize = LogMaxSize,
        LogKeep = LogKeep,
        Restart = RestartPolicies.Parse(Restart),
        MaxRestarts = MaxRestarts,
        RestartWindow = TimeSpan.FromSeconds(RestartWindowSeconds),
        WaitReady = waitReady ?? (WaitReadySeconds is { } s ? TimeSpan.FromSeconds(s) : null),
        Cluster = Cluster?.ToSettings(environment),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"StartDefinition({ShellQuote.Join(Command)})");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(StartDefinition))]
[JsonSerializable(typeof(ClusterDefinition))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DefinitionJsonContext : JsonSerializerContext
{
    /// <summary>Written for people to read too: quotes and pluses as they are.</summary>
    public static DefinitionJsonContext Relaxed { get; } = new(new System.Text.Json.JsonSerializerOptions
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
