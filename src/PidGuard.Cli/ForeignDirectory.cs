using System.Globalization;
using PidGuard.Platform;

namespace PidGuard.Cli;

/// <summary>
/// Root acting on a daemon in another user's runtime directory (`stop web --dir /tmp/pidguard-1000`).
/// That user wrote every file there, the state file's proofs included, so root signals nothing that
/// does not run as that user: a user cannot get root to stop somebody else's process by naming it.
/// </summary>
internal static class ForeignDirectory
{
    public static void Check(DaemonPaths paths)
    {
        var p = Platforms.Current;
        if (p.EffectiveUserId != 0 || p.LStat(paths.Directory) is not { } dir || dir.OwnerUid == 0)
            return;
        var status = DaemonProbe.GetStatus(paths.Name, DaemonSelector.Options(paths));
        foreach (int pid in new[] { status.Pid, status.Supervisor }.OfType<int>().Concat(status.Holders).Distinct())
        {
            if (p.LStat($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}") is { } process && process.OwnerUid != dir.OwnerUid)
            {
                throw new CliError($"not acting on {paths.Name}: PID {pid} runs as uid {process.OwnerUid}, but the runtime directory '{paths.Directory}' belongs to uid {dir.OwnerUid}, "
                    + "whose files cannot vouch for another user's process", ExitCodes.Failure);
            }
        }
    }
}
