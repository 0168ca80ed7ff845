namespace PidGuard.Cli;

/// <summary>
/// Whether COMMAND can be run, told apart as a shell does: 127 when no such file exists (in PATH or
/// at the path given), 126 when one exists but cannot be executed (a directory, a file without the
/// execute permission, not a regular file), like bash.
/// </summary>
internal static class ProgramCheck
{
    /// <summary>The program's absolute path; throws <see cref="CliError"/> with 127 or 126 (or <paramref name="code"/> when given).</summary>
    public static string Resolve(string program, IReadOnlyDictionary<string, string> environment, string workingDirectory, int? code = null)
    {
        var info = new DaemonStartInfo(program) { WorkingDirectory = workingDirectory };
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        try
        {
            return info.ResolveProgram();
        }
        catch (ProgramNotFoundException e)
        {
            string? path = info.Environment.TryGetValue("PATH", out var p) ? p : null;
            if (NotExecutable(program, path, workingDirectory) is { } why)
                throw new CliError(why, code ?? ExitCodes.CannotExecute);
            throw new CliError(e.Message, code ?? ExitCodes.CommandNotFound);
        }
    }

    /// <summary>Why <paramref name="program"/> exists but cannot be executed; null when there is no such file.</summary>
    public static string? NotExecutable(string program, string? pathVariable, string workingDirectory)
    {
        if (program.Length == 0)
            return null;
        if (program.Contains('/'))
            return Why(Path.GetFullPath(program, workingDirectory));
        foreach (string entry in (string.IsNullOrEmpty(pathVariable) ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" : pathVariable).Split(':'))
        {
            string candidate = Path.GetFullPath(Path.Join(entry.Length == 0 ? "." : entry, program), workingDirectory);
            if (File.Exists(candidate) && Why(candidate) is { } why)
                return why; // a directory named like the program is skipped, as bash and execvp skip it
        }
        return null;
    }

    private static string? Why(string full)
    {
        if (Directory.Exists(full))
            return $"cannot execute '{full}': it is a directory";
        if (!File.Exists(full))
            return null;
        return $"cannot execute '{full}': not an executable file (permission denied)";
    }
}
