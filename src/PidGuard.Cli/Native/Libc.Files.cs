using System.Runtime.InteropServices;

namespace PidGuard.Cli.Native;

/// <summary>open(2), for files that must be opened without blocking (a FIFO at a log's path).</summary>
internal static partial class Libc
{
    public static int ORdOnly => 0;
    public static int OWrOnly => 1;
    public static int OCreat => OperatingSystem.IsMacOS() ? 0x200 : 0x40;
    public static int OAppend => OperatingSystem.IsMacOS() ? 0x8 : 0x400;
    public static int ONonBlock => OperatingSystem.IsMacOS() ? 0x4 : 0x800;
    public static int ONoCtty => OperatingSystem.IsMacOS() ? 0x20000 : 0x100;
    public static int OCloExec => OperatingSystem.IsMacOS() ? 0x1000000 : 0x80000;
    public static int ONoFollow => OperatingSystem.IsMacOS() ? 0x100 : 0x20000;
    public static int ELoop => OperatingSystem.IsMacOS() ? 62 : 40;

    [LibraryImport(Name, EntryPoint = "umask")]
    private static partial int SetUmask(int mask);

    /// <summary>This process's umask: /proc/self/status (Linux, nothing changed), else umask(2) set and put back.</summary>
    public static int CurrentUmask()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Umask:", StringComparison.Ordinal))
                    return Convert.ToInt32(line[6..].Trim(), 8);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        int mask = SetUmask(0x12);
        SetUmask(mask);
        return mask;
    }

    [LibraryImport(Name, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    /// <summary>The C library's text for an errno (ENOENT: "No such file or directory").</summary>
    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
