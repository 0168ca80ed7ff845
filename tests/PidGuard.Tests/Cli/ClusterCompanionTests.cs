using System.Text.Json.Nodes;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Cli;

/// <summary>
/// The tool built without the cluster scope (the NativeAOT pidguard of eng/publish-native.sh) hands every
/// command that asks for it to pidguard-cluster by exec, with the same arguments, and runs the rest
/// itself. Run here with the feature switch turned off in a runtimeconfig, the way the trimmed binary has it.
/// </summary>
public class ClusterCompanionTests : CliScenario
{
    private string LeanRuntimeConfig()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Join(AppContext.BaseDirectory, "PidGuard.Cli.runtimeconfig.json")))!;
        var options = config["runtimeOptions"]!.AsObject();
        if (options["configProperties"] is not JsonObject properties)
            options["configProperties"] = properties = [];
        properties["PidGuard.Cli.ClusterSupport"] = false;
        string path = Path.Join(Dir.Root, "lean.runtimeconfig.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [Fact]
    public void A_binary_without_the_cluster_scope_execs_the_companion_for_cluster_commands_only()
    {
        string o = Run($$"""
            L() { '{{ChildProcess.Dotnet}}' exec --runtimeconfig '{{LeanRuntimeConfig()}}' '{{Path.Join(AppContext.BaseDirectory, "PidGuard.Cli.dll")}}' "$@"; }
            printf '#!/bin/sh\nprintf "COMPANION(%%s)" "$$"; for a in "$@"; do printf " [%%s]" "$a"; done; echo; exit 7\n' > "$ROOT/companion"
            chmod +x "$ROOT/companion"
            export PIDGUARD_CLUSTER_TOOL="$ROOT/companion"
            L status web --cluster 'Host=h;Database=d' --connect-timeout 1; echo "STATUS=$?"
            PIDGUARD_CLUSTER='Host=e' L start web -- sleep 'a b'; echo "START=$?"
            L stop web --cluster; echo "NOVALUE=$?"
            L start loc -- sleep 300; echo "LOCAL=$?"
            L status loc; echo "LOCALSTATUS=$?"
            L stop loc >/dev/null; echo "LOCALSTOP=$?"
            PIDGUARD_CLUSTER_TOOL="$ROOT/missing" L list --cluster 'Host=h' 2>"$ROOT/err"; echo "MISSING=$?"; cat "$ROOT/err"
            """);
        Assert.Contains("COMPANION", o, StringComparison.Ordinal);
        Assert.Contains("[status] [web] [--cluster] [Host=h;Database=d] [--connect-timeout] [1]", o, StringComparison.Ordinal);
        Assert.Equal("7", Value(o, "STATUS")); // the companion's own exit code: this process became it
        Assert.Contains("[start] [web] [--] [sleep] [a b]", o, StringComparison.Ordinal); // $PIDGUARD_CLUSTER alone turns it on for start
        Assert.Equal("7", Value(o, "START"));
        Assert.Equal("2", Value(o, "NOVALUE")); // bare --cluster without $PIDGUARD_CLUSTER: a usage error here, before any exec
        Assert.Equal("0", Value(o, "LOCAL"));
        Assert.Matches(@"started loc \(PID: \d+\)", o);
        Assert.Equal("0", Value(o, "LOCALSTATUS"));
        Assert.Equal("0", Value(o, "LOCALSTOP"));
        Assert.Equal(2, Lines(o, "COMPANION").Count);
        Assert.Equal("127", Value(o, "MISSING")); // as a shell says for a command it cannot find
        Assert.Contains($"pidguard: the cluster scope is in '", o, StringComparison.Ordinal);
        Assert.Contains("missing', which does not exist: this pidguard was built without it (install pidguard-cluster beside it, or set $PIDGUARD_CLUSTER_TOOL)", o, StringComparison.Ordinal);
    }

    [Fact]
    public void An_odd_companion_is_a_clear_error_never_an_exec_loop_and_arguments_are_never_read_from_files()
    {
        string dll = Path.Join(AppContext.BaseDirectory, "PidGuard.Cli.dll");
        string o = Run($$"""
            L() { '{{ChildProcess.Dotnet}}' exec --runtimeconfig '{{LeanRuntimeConfig()}}' '{{dll}}' "$@"; }
            printf '#!/bin/sh\nexec {{ChildProcess.Dotnet}} exec --runtimeconfig {{LeanRuntimeConfig()}} {{dll}} "$@"\n' > "$ROOT/lean"; chmod +x "$ROOT/lean"
            PIDGUARD_CLUSTER_TOOL="$ROOT/lean" timeout 20 '{{ChildProcess.Dotnet}}' exec --runtimeconfig '{{LeanRuntimeConfig()}}' '{{dll}}' status web --cluster 'Host=h' 2>"$ROOT/e1"; echo "LOOP=$?"; cat "$ROOT/e1"
            PIDGUARD_CLUSTER_TOOL="$ROOT" L status web --cluster 'Host=h' 2>"$ROOT/e2"; echo "DIRECTORY=$?"; cat "$ROOT/e2"
            ln -s "$ROOT/nowhere" "$ROOT/dangling"
            PIDGUARD_CLUSTER_TOOL="$ROOT/dangling" L status web --cluster 'Host=h' 2>"$ROOT/e3"; echo "DANGLING=$?"
            PIDGUARD_CLUSTER='Host=h' L status web --cluster= 2>"$ROOT/e4"; echo "EMPTY=$?"; cat "$ROOT/e4"
            printf -- '--cluster\nHost=h\n' > "$ROOT/args"
            L status web "@$ROOT/args" 2>"$ROOT/e5"; echo "RESPONSE=$?"; head -n 1 "$ROOT/e5"
            """);
        Assert.Equal("1", Value(o, "LOOP"));
        Assert.Contains("which has no cluster scope either (install the full tool as pidguard-cluster, or set $PIDGUARD_CLUSTER_TOOL)", o, StringComparison.Ordinal);
        Assert.Equal("127", Value(o, "DIRECTORY"));
        Assert.Contains("', which is a directory: this pidguard was built without it", o, StringComparison.Ordinal);
        Assert.Equal("127", Value(o, "DANGLING"));
        Assert.Equal("2", Value(o, "EMPTY"));
        Assert.Contains("pidguard: --cluster must not be empty", o, StringComparison.Ordinal);
        Assert.Equal("2", Value(o, "RESPONSE")); // '@FILE' is an unexpected argument, not a file to read
        Assert.Contains("pidguard: Unrecognized command or argument '@", o, StringComparison.Ordinal);
    }
}
