using System.CommandLine;
using System.Text;

namespace PidGuard.Cli;

/// <summary>
/// Completion scripts for bash, zsh (bash's, through bashcompinit) and fish, made from the command
/// tree itself, so a new option is completed without anyone editing a script. Daemon names come from
/// `pidguard completion names` (the runtime directory, or the --dir on the line) when the script runs.
/// Names cannot hold spaces or quotes (see the name rules), so word splitting is safe.
/// </summary>
internal static class CompletionScripts
{
    /// <summary>Options whose value is a file or directory.</summary>
    private static readonly string[] PathOptions = ["--dir", "-d", "--log", "-l", "--cwd", "-C", "--env-file", "--pidfile", "-p"];

    public static string For(string shell)
    {
        var commands = CommandTree.All.Select(c => (c.Name, c.Alias, Command: c.Create())).Where(c => !c.Command.Hidden).ToList();
        return shell == "fish" ? Fish(commands) : Bash(commands, zsh: shell == "zsh");
    }

    private static IEnumerable<string> OptionNames(Command command) =>
        command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Append("--help").Append("--quiet").Distinct();

    private static string Bash(List<(string Name, string? Alias, Command Command)> commands, bool zsh)
    {
        var s = new StringBuilder();
        s.Append("# pidguard completion for ").Append(zsh ? "zsh" : "bash").Append(": source <(pidguard completion ").Append(zsh ? "zsh" : "bash").Append(")\n");
        if (zsh)
            s.Append("autoload -U +X bashcompinit && bashcompinit\n");
        s.Append("_pidguard() {\n");
        s.Append("  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" cmd=\"\" dir=\"\" args=0 i\n");
        s.Append("  for ((i = 1; i < COMP_CWORD; i++)); do\n");
        s.Append("    case \"${COMP_WORDS[i]}\" in\n");
        s.Append("      --) COMPREPLY=($(compgen -c -- \"$cur\")); return 0 ;;\n");
        s.Append("      --dir|-d) dir=\"${COMP_WORDS[i+1]}\"; i=$((i + 1)) ;;\n");
        s.Append("      -*) ;;\n");
        s.Append("      *) if [[ -z $cmd ]]; then cmd=\"${COMP_WORDS[i]}\"; else args=$((args + 1)); fi ;;\n");
        s.Append("    esac\n");
        s.Append("  done\n");
        s.Append("  if [[ -z $cmd ]]; then\n");
        s.Append("    COMPREPLY=($(compgen -W \"").Append(string.Join(' ', commands.SelectMany(c => c.Alias is null ? [c.Name] : new[] { c.Name, c.Alias }))).Append(" --help --version --quiet\" -- \"$cur\"))\n");
        s.Append("    return 0\n");
        s.Append("  fi\n");
        s.Append("  case \"$prev\" in\n");
        s.Append("    ").Append(string.Join('|', PathOptions)).Append(") COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n");
        s.Append("  esac\n");
        s.Append("  local opts=\"\"\n");
        s.Append("  case \"$cmd\" in\n");
        foreach (var (name, alias, command) in commands)
            s.Append("    ").Append(alias is null ? name : $"{name}|{alias}").Append(") opts=\"").Append(string.Join(' ', OptionNames(command))).Append("\" ;;\n");
        s.Append("  esac\n");
        s.Append("  if [[ $cur == -* ]]; then\n");
        s.Append("    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n");
        s.Append("  elif [[ $cmd == signal || $cmd == kill ]] && ((args > 0)); then\n");
        s.Append("    COMPREPLY=($(compgen -W \"HUP INT QUIT KILL USR1 USR2 TERM CONT STOP WINCH\" -- \"$cur\"))\n");
        s.Append("  elif ((args > 0)); then\n");
        s.Append("    COMPREPLY=()\n");
        s.Append("  elif [[ $cmd == completion ]]; then\n");
        s.Append("    COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\"))\n");
        s.Append("  else\n");
        s.Append("    COMPREPLY=($(compgen -W \"$(pidguard completion names ${dir:+--dir \"$dir\"} 2>/dev/null)\" -- \"$cur\"))\n");
        s.Append("  fi\n");
        s.Append("}\n");
        s.Append("complete -F _pidguard pidguard\n");
        return s.ToString();
    }

    private static string Fish(List<(string Name, string? Alias, Command Command)> commands)
    {
        var s = new StringBuilder("# pidguard completion for fish: pidguard completion fish > ~/.config/fish/completions/pidguard.fish\n");
        s.Append("complete -c pidguard -f\n");
        string all = string.Join(' ', commands.SelectMany(c => c.Alias is null ? [c.Name] : new[] { c.Name, c.Alias }));
        foreach (var (name, _, command) in commands)
            s.Append("complete -c pidguard -n \"not __fish_seen_subcommand_from ").Append(all).Append("\" -a ").Append(name).Append(" -d '").Append(Quote(FirstSentence(command.Description))).Append("'\n");
        foreach (var (name, alias, command) in commands)
        {
            string seen = alias is null ? name : $"{name} {alias}";
            foreach (var option in command.Options.Where(o => !o.Hidden))
            {
                s.Append("complete -c pidguard -n \"__fish_seen_subcommand_from ").Append(seen).Append('"');
                foreach (string alias2 in option.Aliases.Prepend(option.Name).Distinct())
                    s.Append(alias2.StartsWith("--", StringComparison.Ordinal) ? " -l " + alias2[2..] : " -s " + alias2[1..]);
                if (PathOptions.Contains(option.Name))
                    s.Append(" -r -F");
                s.Append(" -d '").Append(Quote(FirstSentence(option.Description))).Append("'\n");
            }
            if (name == "completion")
                s.Append("complete -c pidguard -n \"__fish_seen_subcommand_from completion\" -a 'bash zsh fish'\n");
            else
                s.Append("complete -c pidguard -n \"__fish_seen_subcommand_from ").Append(seen).Append("\" -a '(pidguard completion names 2>/dev/null)'\n");
        }
        return s.ToString();
    }

    private static string FirstSentence(string? text) => (text ?? "").Split(". ", 2)[0].TrimEnd('.');

    private static string Quote(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
}
