using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Cli;

/// <summary>Scenarios against the real pidguard tool (function P in the script), with DIR as its runtime directory.</summary>
public abstract class CliScenario : SandboxScenario
{
    protected override string Prologue => "export PIDGUARD_RUNTIME_DIR=\"$DIR\"\n";
}
