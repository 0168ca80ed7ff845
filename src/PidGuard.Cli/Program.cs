using System.CommandLine;
using PidGuard.Cli;
using PidGuard.Cli.Commands;

var root = new RootCommand("pidguard: exactly one instance of a daemon, always findable, safely stoppable.");
foreach (var command in new[]
{
    RunCommand.Create(), StartCommand.Create(), StopCommand.Create(), RestartCommand.Create(), StatusCommand.Create(),
    ListCommand.Create(), SignalCommand.Create(), LogsCommand.Create(), SuperviseCommand.Create(),
})
{
    root.Subcommands.Add(command);
}

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // "Required command was not provided" only repeats what an unknown command already says.
    var errors = parsed.Errors.Count > 1 ? parsed.Errors.Where(e => !e.Message.StartsWith("Required command", StringComparison.Ordinal)) : parsed.Errors;
    foreach (var error in errors)
        Console.Error.WriteLine($"pidguard: {error.Message}");
    Console.Error.WriteLine("Run 'pidguard --help' (or 'pidguard COMMAND --help') for usage.");
    return ExitCodes.Usage;
}
if (args.Length == 0)
{
    Console.Error.WriteLine("pidguard: no command given. Run 'pidguard --help' for usage.");
    return ExitCodes.Usage;
}
// No termination timeout: `run` and `start` decide themselves how signals end them.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
