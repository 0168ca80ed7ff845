using PidGuard.Cli;
using PidGuard.Cli.Native;

LibcResolver.Register();
// The step that becomes a program run as another user: nothing else (no command tree) is built for it.
if (args.Length > 0 && args[0] == ExecAs.Verb)
    return ExecAs.Run(args);
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
