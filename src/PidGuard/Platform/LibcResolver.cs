using System.Reflection;
using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// Maps the "libc" of the [LibraryImport]s to the real file (libc.so.6 / libSystem.dylib) so the
/// runtime does not probe a dozen paths (and dlopen glibc's linker script libc.so) on every start.
/// Also finds optional entry points that only newer C libraries have.
/// </summary>
internal static class LibcResolver
{
    private static int s_registered;
    private static readonly Lazy<IntPtr> s_handle = new(Load);

    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref s_registered, 1) != 0)
            return;
        NativeLibrary.SetDllImportResolver(typeof(LibcResolver).Assembly, Resolve);
    }

    /// <summary>The address of an optional libc function, or zero when this C library lacks it.</summary>
    public static IntPtr Optional(string name) =>
        s_handle.Value != IntPtr.Zero && NativeLibrary.TryGetExport(s_handle.Value, name, out IntPtr address) ? address : IntPtr.Zero;

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == "libc" ? s_handle.Value : IntPtr.Zero;

    private static IntPtr Load()
    {
        string file = OperatingSystem.IsMacOS() ? "/usr/lib/libSystem.B.dylib" : "libc.so.6";
        return NativeLibrary.TryLoad(file, out IntPtr handle) ? handle : IntPtr.Zero;
    }
}
