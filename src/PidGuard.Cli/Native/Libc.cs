using System.Runtime.InteropServices;

namespace PidGuard.Cli.Native;

/// <summary>The few libc calls the tool makes itself (the library's platform layer covers the rest).</summary>
internal static unsafe partial class Libc
{
    private const string Name = "libc";

    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int EPipe = 32;

    [LibraryImport(Name, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport(Name, EntryPoint = "isatty")]
    public static partial int IsATty(int fd);
}
