using System.Runtime.InteropServices;

namespace PidGuard.Cli.Native;

/// <summary>The terminal's width (ioctl TIOCGWINSZ).</summary>
internal static unsafe partial class Libc
{
    [StructLayout(LayoutKind.Sequential)]
    private struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport(Name, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlWinSize(int fd, nuint request, WinSize* size);

    /// <summary>The column count of the terminal on <paramref name="fd"/>, or null when it is not a terminal.</summary>
    public static int? TerminalColumns(int fd)
    {
        WinSize size;
        nuint request = OperatingSystem.IsMacOS() ? 0x40087468u : 0x5413u; // TIOCGWINSZ
        return IsATty(fd) == 1 && IoctlWinSize(fd, request, &size) == 0 && size.Columns > 0 ? size.Columns : null;
    }
}
