using PidGuard.Cli;
using PidGuard.Cli.Native;

if (OperatingSystem.IsWindows())
{
    Output.Error.WriteLine("pidguard: the tool runs on Linux and macOS only: its supervisor's log pipe, signal forwarding, exec-as step and "
        + "sd_notify socket are Unix. On Windows use the PidGuard library or PidGuard.Hosting (docs/WINDOWS.md).");
    return ExitCodes.Failure;
}
LibcResolver.Register();
PidGuard.Cli.Cluster.ClusterFeature.Begin(args);
// The step that becomes a program run as another user: nothing else (no command tree) is built for it.
if (args.Length > 0 && args[0] == ExecAs.Verb)
    return ExecAs.Run(args);
if (args.Length > 0 && args[0] == PidGuard.Cli.Cluster.FencedExec.Verb) // started by a supervisor of the cluster scope: its own binary
    return PidGuard.Cli.Cluster.FencedExec.Run(args);
// Last resort: no command ends in a .NET stack trace. What no command handled is one line and 70 (EX_SOFTWARE).
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    Cli.InternalError(e.ExceptionObject as Exception);
    Environment.Exit(ExitCodes.InternalError);
};
try
{
    return await Cli.RunAsync(args).ConfigureAwait(false);
}
catch (Exception e)
{
    return Cli.InternalError(e);
}
