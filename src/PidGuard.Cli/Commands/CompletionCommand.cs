using System.CommandLine;

namespace PidGuard.Cli.Commands;

internal static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish (names: the daemon names, one a line, which the scripts ask for)." };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish", "names");
        var dir = CommonOptions.Dir();
        var command = new Command("completion", "Print a shell completion script: commands, options, and the daemon names of the runtime directory. Example: source <(pidguard completion bash), or pidguard completion fish > ~/.config/fish/completions/pidguard.fish");
        command.Arguments.Add(shell);
        command.Options.Add(dir);
        command.SetAction((result, _) => CommandAction.RunAsync(() =>
        {
            string which = result.GetValue(shell)!;
            if (which == "names")
            {
                foreach (string name in DaemonNames.In(RuntimeDirectory.Resolve(result.GetValue(dir))))
                    Output.Out.WriteLine(name);
            }
            else
            {
                Output.Out.Write(CompletionScripts.For(which));
            }
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
