using System.Reflection;
using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// Maps the "libc" of the [LibraryImport]s to the real file (libc.so.6 / libSystem.dylib) so the
/// runtime does not probe a dozen paths (and dlopen glibc's linker script libc.so) on every start.
/// </summary>
internal static class LibcResolver
{
    private static int s_registered;

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_registered, 1) != 0)
            return;
        NativeLibrary.SetDllImportResolver(typeof(LibcResolver).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "libc")
            return IntPtr.Zero;
        string file = OperatingSystem.IsMacOS() ? "/usr/lib/libSystem.B.dylib" : "libc.so.6";
        return NativeLibrary.TryLoad(file, out IntPtr handle) ? handle : IntPtr.Zero;
    }
}
