using System.Diagnostics.CodeAnalysis;

namespace PidGuard.Cli.Cluster;

/// <summary>
/// Whether this binary carries the cluster scope. The NativeAOT <c>pidguard</c> is built without it
/// (<c>-p:PidGuardCluster=false</c>): Npgsql, TLS and cryptography doubled the binary, and the loader
/// relocates every pointer of it at each start, so a local <c>status</c> paid for the cluster code it
/// never ran (docs/BENCHMARKS.md). That binary hands any command that asks for the cluster scope to its
/// companion <c>pidguard-cluster</c> (the same tool, built with it) by exec, with the same arguments.
/// The framework-dependent tool (<c>dotnet tool</c>, <c>dotnet run</c>) carries both.
/// </summary>
internal static class ClusterFeature
{
    public const string Switch = "PidGuard.Cli.ClusterSupport";

    /// <summary>Where the companion is looked for instead of beside this binary (packagers: /usr/lib/pidguard/pidguard-cluster).</summary>
    public const string CompanionVariable = "PIDGUARD_CLUSTER_TOOL";

    public const string CompanionName = "pidguard-cluster";

    /// <summary>True unless the binary was built with the switch off; the trimmer then removes every path into the cluster code.</summary>
    [FeatureSwitchDefinition(Switch)]
    public static bool IsSupported => !AppContext.TryGetSwitch(Switch, out bool on) || on;

    /// <summary>This process's arguments, for the companion.</summary>
    public static string[] Arguments { get; set; } = [];

    public static string CompanionPath =>
        Environment.GetEnvironmentVariable(CompanionVariable) is { Length: > 0 } path ? path : Path.Join(AppContext.BaseDirectory, CompanionName);

    /// <summary>Replaces this process with the companion, given the same arguments; throws when it cannot.</summary>
    [DoesNotReturn]
    public static void ExecCompanion()
    {
        string path = CompanionPath;
        if (!File.Exists(path))
        {
            throw new CliError($"the cluster scope is in '{path}', which does not exist: this pidguard was built without it "
                + $"(install {CompanionName} beside it, or set ${CompanionVariable})", ExitCodes.Failure);
        }
        Output.Out.Flush();
        int errno = ExecAs.Replace(path, [path, .. Arguments]);
        throw new CliError($"cannot run the cluster scope's '{path}': {Native.Libc.ErrorText(errno)}", ExitCodes.CannotExecute);
    }

    /// <summary>For the entry points of the cluster code: never reached in a binary without it (the caller exec'd the companion first).</summary>
    public static InvalidOperationException Missing() => new("the cluster scope is not in this binary");
}
