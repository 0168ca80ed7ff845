using System.Runtime.InteropServices;

namespace PidGuard.Windows.Tests.Infrastructure;

/// <summary>
/// Facts about running under Wine, and the one thing only Wine allows: ending a helper the way a
/// crash does, with SIGKILL of its Linux process (no Windows code runs in it afterwards).
/// Tests skip by <c>SkipWhen</c>/<c>SkipUnless</c> on this class, never by Assert.Skip: under Wine,
/// once an exception has left a test method, the next process start in the test process kills
/// the runtime ("Internal CLR error", docs/WINDOWS.md).
/// </summary>
public static class Wine
{
    /// <summary>Wine's ntdll exports wine_get_version; Windows' does not.</summary>
    public static bool IsRunningUnderWine { get; } =
        NativeLibrary.TryLoad("ntdll.dll", out nint ntdll) && NativeLibrary.TryGetExport(ntdll, "wine_get_version", out _);

    /// <summary>
    /// The Linux PID of the process whose command line contains <paramref name="marker"/>.
    /// Z:\proc\self is wineserver's own entry (Wine opens files there), so search by marker.
    /// </summary>
    public static int? FindLinuxPid(string marker)
    {
        foreach (string dir in Directory.EnumerateDirectories(@"Z:\proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
                continue;
            try
            {
                string commandLine = File.ReadAllText(Path.Join(dir, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal) && commandLine.Contains(Helpers.HelperMain.Flag, StringComparison.Ordinal))
                    return pid;
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return null;
    }

    /// <summary>Runs /bin/kill -9 on a Linux PID.</summary>
    public static void SigKill(int linuxPid) => RunUnix($"Z:\\bin\\kill -9 {linuxPid}");

    /// <summary>Makes a Unix symbolic link (what a Windows program sees as a reparse point), and waits until it exists.</summary>
    public static void SymbolicLink(string windowsTarget, string windowsLink)
    {
        RunUnix($"Z:\\bin\\ln -s {UnixPath(windowsTarget)} {UnixPath(windowsLink)}");
        Assert.True(PidGuard.Platform.Backoff.WaitUntil(() => PidGuard.Platform.Windows.WindowsFileAttributes.OfPath(windowsLink) is not null, Bounds.StepMs),
            $"ln -s did not create {windowsLink}");
    }

    /// <summary>The Linux path of a Windows path (kernel32's wine_get_unix_file_name; the string is leaked).</summary>
    public static unsafe string UnixPath(string windowsPath)
    {
        nint kernel32 = NativeLibrary.Load("kernel32.dll");
        var convert = (delegate* unmanaged<char*, byte*>)NativeLibrary.GetExport(kernel32, "wine_get_unix_file_name");
        fixed (char* path = windowsPath)
        {
            byte* unix = convert(path);
            Assert.True(unix != null, $"wine_get_unix_file_name({windowsPath}) failed");
            return Marshal.PtrToStringUTF8((nint)unix)!;
        }
    }

    /// <summary>
    /// Runs a Unix program. Wine starts it through CreateProcess but returns no process handle,
    /// so the caller watches for the effect instead. The arguments must not need quoting.
    /// </summary>
    private static unsafe void RunUnix(string commandLine)
    {
        string line = commandLine + "\0";
        var startup = new PidGuard.Platform.Windows.Interop.Kernel32.StartupInfoEx();
        startup.StartupInfo.cb = sizeof(PidGuard.Platform.Windows.Interop.Kernel32.StartupInfo);
        fixed (char* buffer = line)
        {
            Assert.True(PidGuard.Platform.Windows.Interop.Kernel32.CreateProcess(null, buffer, 0, 0, false, 0, null, null, &startup, out _),
                $"CreateProcess({commandLine}) failed: {Marshal.GetLastPInvokeError()}");
        }
    }
}
