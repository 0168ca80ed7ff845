using PidGuard.Cli;

return await Cli.RunAsync(args).ConfigureAwait(false);
