using System.Globalization;
using PidGuard.Cli.Native;

namespace PidGuard.Cli.Cluster;

/// <summary>
/// `pidguard __exec-fenced SUPERVISOR_PID PATH ARGV0 ARGS...`: the step between a supervisor that holds
/// a cluster lease and its program. It asks the kernel to SIGKILL this process when the supervisor
/// dies (PR_SET_PDEATHSIG, kept across exec), then execs the program in place (same PID, same start
/// time). A supervisor that is SIGKILLed cannot end its program, and its lease is freed when its
/// session closes: without this the program would go on working unfenced while another host takes over.
/// If the supervisor died before the request took, the parent is no longer it, and the program is not run.
/// </summary>
internal static class FencedExec
{
    public const string Verb = "__exec-fenced";

    public static List<string> Arguments(int supervisorPid, string path, IReadOnlyList<string> command) =>
        [Verb, supervisorPid.ToString(CultureInfo.InvariantCulture), path, .. command];

    public static int Run(string[] args)
    {
        if (args.Length < 4 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int supervisor))
            return ExecAs.Fail("internal: usage: __exec-fenced SUPERVISOR_PID PATH ARGV0 [ARGS...]", ExitCodes.Usage);
        if (Libc.SetParentDeathSignal(Libc.SigKill) != 0)
            return ExecAs.Fail($"cannot ask to be killed with the supervisor: {ExecAs.LastError()}", ExitCodes.CannotExecute);
        if (Libc.GetPPid() != supervisor)
            return ExecAs.Fail($"the supervisor (PID {supervisor}) is gone: not running {args[3]}", ExitCodes.CannotExecute);
        return ExecAs.ExecProgram(args[2], args[3..]);
    }
}
