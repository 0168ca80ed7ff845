using System.Reflection;
using System.Runtime.InteropServices;

namespace PidGuard.Cli.Native;

/// <summary>
/// Maps this assembly's "libc" to the real file, as the library does for its own: left to itself the
/// runtime probes about 80 paths (and glibc's linker script libc.so) on the first call, which was a
/// third of `pidguard status`'s time. Registered before anything else runs.
/// </summary>
internal static class LibcResolver
{
    public static void Register() => NativeLibrary.SetDllImportResolver(typeof(LibcResolver).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == "libc" && NativeLibrary.TryLoad(OperatingSystem.IsMacOS() ? "/usr/lib/libSystem.B.dylib" : "libc.so.6", out IntPtr handle) ? handle : IntPtr.Zero;
}
