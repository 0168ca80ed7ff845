namespace PidGuard.Cli;

/// <summary>When the supervisor starts the program again after it exits.</summary>
internal enum RestartPolicy
{
    No,
    OnFailure,
    Always,
}

internal static class RestartPolicies
{
    public static RestartPolicy Parse(string? text) => text switch
    {
        null or "no" => RestartPolicy.No,
        "on-failure" => RestartPolicy.OnFailure,
        "always" => RestartPolicy.Always,
        _ => throw CliError.Usage($"--restart '{text}' must be no, on-failure or always"),
    };

    public static string Text(RestartPolicy policy) => policy switch
    {
        RestartPolicy.OnFailure => "on-failure",
        RestartPolicy.Always => "always",
        _ => "no",
    };

    /// <summary>
    /// A clean end, as systemd counts it: exit code 0, or death by HUP, INT, TERM or PIPE — the signals
    /// someone sends to stop a program (`kill $(cat NAME.pid)`, start-stop-daemon, pkill -F).
    /// </summary>
    public static bool IsClean(ExitRecord exit) =>
        exit.Signal is { } s ? s is 1 or 2 or 13 or 15 : exit.Code == 0;

    public static bool ShouldRestart(RestartPolicy policy, ExitRecord exit) => policy switch
    {
        RestartPolicy.Always => true,
        RestartPolicy.OnFailure => !IsClean(exit),
        _ => false,
    };
}
