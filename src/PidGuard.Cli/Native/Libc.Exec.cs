using System.Runtime.InteropServices;

namespace PidGuard.Cli.Native;

/// <summary>Replacing this process with the program (the last step of <see cref="ExecAs"/>).</summary>
internal static unsafe partial class Libc
{
    [LibraryImport(Name, EntryPoint = "execv", SetLastError = true)]
    public static partial int ExecV(byte* path, byte** argv);

    /// <summary>Sets a variable in the C environment that execv passes on (Environment.SetEnvironmentVariable changes only .NET's copy).</summary>
    [LibraryImport(Name, EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport(Name, EntryPoint = "signal")]
    public static partial nint Signal(int signal, nint handler);

    [LibraryImport(Name, EntryPoint = "sigprocmask")]
    public static partial int SigProcMask(int how, byte* set, byte* old);

    public const int SigPipe = 13;
    public const int SigSetMask = 2; // Linux; 3 on macOS
}
