namespace PidGuard;

/// <summary>The program to start was not found (no such file, or not an executable file, in PATH).</summary>
public sealed class ProgramNotFoundException : PidGuardException
{
    /// <summary>Creates the exception for <paramref name="program"/>.</summary>
    public ProgramNotFoundException(string program)
        : base($"command not found: '{program}' (not an executable file{(program.Contains('/') ? "" : " in PATH")})", program) => Program = program;

    /// <summary>The program as given.</summary>
    public string Program { get; }
}
