using PidGuard.Cli;
using PidGuard.Cli.Native;

LibcResolver.Register();
// The step that becomes a program run as another user: nothing else (no command tree) is built for it.
if (args.Length > 0 && args[0] == ExecAs.Verb)
    return ExecAs.Run(args);
if (args.Length > 0 && args[0] == PidGuard.Cli.Cluster.FencedExec.Verb)
    return PidGuard.Cli.Cluster.FencedExec.Run(args);
return await Cli.RunAsync(args).ConfigureAwait(false);
