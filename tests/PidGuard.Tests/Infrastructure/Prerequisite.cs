namespace PidGuard.Tests.Infrastructure;

/// <summary>
/// The one rule for tests that need something from the machine (unshare, root, start-stop-daemon):
/// outside CI a missing prerequisite skips the test with the reason; in CI (<c>CI=true</c>) it fails
/// the test, because there a skip would turn "nothing was tested" into a green run.
/// </summary>
public static class Prerequisite
{
    public static bool InCi { get; } = IsCiValue(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Returns when <paramref name="met"/>; otherwise skips the test, or fails it in CI.</summary>
    public static void Require(bool met, string missing) => Require(met, missing, InCi);

    internal static void Require(bool met, string missing, bool inCi)
    {
        if (met)
            return;
        if (inCi)
            Assert.Fail($"missing prerequisite (a skip counts as a failure where CI=true): {missing}");
        Assert.Skip(missing);
    }

    public static void RequireRoot(string why) => Require(Platform.Platforms.Current.EffectiveUserId == 0, $"needs root: {why}");

    /// <summary>Requires an executable on PATH (or at an absolute path).</summary>
    public static void RequireCommand(string name) => Require(CommandExists(name), $"'{name}' is not installed");

    internal static bool IsCiValue(string? value) =>
        string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || value == "1";

    private static bool CommandExists(string name) =>
        Path.IsPathRooted(name)
            ? File.Exists(name)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => File.Exists(Path.Join(dir, name)));
}
