namespace PidGuard.Cli;

/// <summary>Everything `start` was given, and so what `restart` replays (saved as <see cref="StartDefinition"/>).</summary>
internal sealed record StartRequest
{
    public required IReadOnlyList<string> Command { get; init; }
    public required string WorkingDirectory { get; init; }
    public required string LogFile { get; init; }

    /// <summary>Rotate the log past this many bytes; null: never (it may still be rotated by logrotate).</summary>
    public long? LogMaxSize { get; init; }

    /// <summary>How many rotated logs (NAME.log.1 ... NAME.log.N) are kept.</summary>
    public int LogKeep { get; init; } = LogRotation.DefaultKeep;

    public RestartPolicy Restart { get; init; }
    public int? MaxRestarts { get; init; }
    public TimeSpan RestartWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>--env values (kept in NAME.env, 0600); they win over the env files.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>--env-file paths, read at every start and restart.</summary>
    public IReadOnlyList<string> EnvFiles { get; init; } = [];

    public int? Umask { get; init; }

    /// <summary>--user USER[:GROUP] and --group GROUP, as given.</summary>
    public string? User { get; init; }

    public string? Group { get; init; }

    public TimeSpan? WaitReady { get; init; }

    /// <summary>--cluster: the supervisor holds the cluster lease (the connection travels in <see cref="Environment"/> as PIDGUARD_CLUSTER).</summary>
    public Cluster.ClusterSettings? Cluster { get; init; }

    /// <summary>The program's environment on top of this process's: the env files in order, then --env.</summary>
    public Dictionary<string, string> ProgramEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string file in EnvFiles)
        {
            foreach (var (key, value) in EnvFile.Read(file))
                environment[key] = value;
        }
        foreach (var (key, value) in Environment)
            environment[key] = value;
        return environment;
    }
}
