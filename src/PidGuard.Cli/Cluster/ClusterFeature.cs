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
    public static string[] Arguments { get; private set; } = [];

    /// <summary>Called first: keeps the arguments; a companion that has the cluster scope drops the hand-over marker, so its programs never see it.</summary>
    public static void Begin(string[] args)
    {
        Arguments = args;
        if (IsSupported)
            Environment.SetEnvironmentVariable(HandedOverVariable, null);
    }

    /// <summary>Set in the companion's environment by the binary that execs it: a companion without the cluster scope must not exec again.</summary>
    private const string HandedOverVariable = "PIDGUARD_CLUSTER_HANDED_OVER";

    public static string CompanionPath =>
        Path.GetFullPath(Environment.GetEnvironmentVariable(CompanionVariable) is { Length: > 0 } path ? path : Path.Join(AppContext.BaseDirectory, CompanionName));

    /// <summary>Replaces this process with the companion, given the same arguments; throws when it cannot.</summary>
    [DoesNotReturn]
    public static void ExecCompanion()
    {
        string path = CompanionPath;
        if (Environment.GetEnvironmentVariable(HandedOverVariable) is { Length: > 0 } from)
        {
            throw new CliError($"'{from}' handed this command to '{Environment.ProcessPath}', which has no cluster scope either "
                + $"(install the full tool as {CompanionName}, or set ${CompanionVariable})", ExitCodes.Failure);
        }
        if (Directory.Exists(path) || !File.Exists(path))
        {
            throw new CliError($"the cluster scope is in '{path}', which {(Directory.Exists(path) ? "is a directory" : "does not exist")}: "
                + $"this pidguard was built without it (install {CompanionName} beside it, or set ${CompanionVariable})", ExitCodes.CommandNotFound);
        }
        Output.Out.Flush();
        Native.Libc.SetEnv(HandedOverVariable, Environment.ProcessPath ?? "pidguard", 1);
        int errno = ExecAs.Replace(path, [path, .. Arguments]);
        throw new CliError($"cannot run the cluster scope's '{path}': {Native.Libc.ErrorText(errno)}",
            errno == 2 /* ENOENT: a dangling symbolic link */ ? ExitCodes.CommandNotFound : ExitCodes.CannotExecute);
    }

    /// <summary>For the entry points of the cluster code: never reached in a binary without it (the caller exec'd the companion first).</summary>
    public static InvalidOperationException Missing() => new("the cluster scope is not in this binary");
}
