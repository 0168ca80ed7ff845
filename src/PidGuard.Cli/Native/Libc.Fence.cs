using System.Runtime.InteropServices;

namespace PidGuard.Cli.Native;

/// <summary>The parent-death signal of <see cref="Cluster.FencedExec"/> (Linux).</summary>
internal static partial class Libc
{
    public const int SigKill = 9;
    private const int PrSetPDeathSig = 1;

    [LibraryImport(Name, EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    public static int SetParentDeathSignal(int signal) => Prctl(PrSetPDeathSig, (nuint)signal, 0, 0, 0);

    [LibraryImport(Name, EntryPoint = "getppid")]
    public static partial int GetPPid();
}
