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

    public static bool ShouldRestart(RestartPolicy policy, ExitRecord exit) => policy switch
    {
        RestartPolicy.Always => true,
        RestartPolicy.OnFailure => exit.Signal is not null || exit.Code != 0,
        _ => false,
    };
}
