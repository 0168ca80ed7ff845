namespace PidGuard.Cli;

/// <summary>The tool's exit codes (documented in the README).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotRunning = 3;
    public const int Unknown = 4;
    public const int InternalError = 70; // EX_SOFTWARE: a bug of pidguard's, reported in one line
    public const int AlreadyRunning = 75; // EX_TEMPFAIL
    public const int CannotExecute = 126;
    public const int CommandNotFound = 127;
    public const int Interrupted = 130;
}
