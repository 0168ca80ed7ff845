namespace PidGuard.Cli;

/// <summary>Everything `start` (and `restart`) needs to launch a supervised daemon.</summary>
internal sealed record StartRequest(
    IReadOnlyList<string> Command,
    string WorkingDirectory,
    string LogFile,
    RestartPolicy Restart,
    IReadOnlyDictionary<string, string> Environment,
    int? Umask,
    TimeSpan? WaitReady)
{
    public int? MaxRestarts { get; init; }
    public TimeSpan RestartWindow { get; init; } = TimeSpan.FromSeconds(60);
}
