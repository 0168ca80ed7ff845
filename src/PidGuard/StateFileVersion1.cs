using System.Text.Json;

namespace PidGuard;

/// <summary>
/// Reads a version 1 state file (written by PidGuard before the pid file named the program): there
/// <c>pid</c> was the supervisor and <c>childPid</c> / <c>childStartToken</c> the program. A daemon
/// started before an upgrade stays findable and stoppable.
/// </summary>
internal static class StateFileVersion1
{
    public static void Upgrade(DaemonStateRecord record)
    {
        if (record.Version != 1 || record.Extra is not { } extra)
            return;
        if (!extra.TryGetValue("childPid", out var childPid) || childPid.ValueKind != JsonValueKind.Number || !childPid.TryGetInt32(out int child))
            return;
        extra.TryGetValue("childStartToken", out var childToken);
        record.Supervisor = new ProcessRecord { Pid = record.Pid, StartToken = record.StartToken, StartedAt = record.StartedAt };
        record.Pid = child;
        record.StartToken = childToken.ValueKind == JsonValueKind.String ? childToken.GetString() : null;
        record.Phase ??= SupervisorPhase.Running;
        extra.Remove("childPid");
        extra.Remove("childStartToken");
    }
}
