using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// The native bits of each <see cref="OpenFlags"/> member on one kernel and architecture. Linux
/// numbers O_DIRECTORY and O_NOFOLLOW (and O_LARGEFILE, O_DIRECT) differently per architecture, so
/// every supported architecture has an explicit row taken from its kernel header, and an architecture
/// without one is refused: a guessed O_NOFOLLOW would be another flag there (0x8000 is O_LARGEFILE on
/// the asm-generic architectures) and symbolic links would be followed.
/// </summary>
internal sealed class NativeOpenFlags
{
    private readonly int[] _bits;

    private NativeOpenFlags(string system, int writeOnly, int readWrite, int create, int exclusive, int noFollow, int closeOnExec,
        int directory, int nonBlocking, int append, int noControllingTerminal)
    {
        System = system;
        _bits = [writeOnly, readWrite, create, exclusive, noFollow, closeOnExec, directory, nonBlocking, append, noControllingTerminal];
    }

    /// <summary>Which table this is, for messages and tests (<c>Linux arm64</c>).</summary>
    public string System { get; }

    /// <summary>The native value of <paramref name="flags"/>.</summary>
    public int ToNative(OpenFlags flags)
    {
        int native = 0;
        for (int bit = 0; bit < _bits.Length; bit++)
        {
            if (((int)flags & (1 << bit)) != 0)
                native |= _bits[bit];
        }
        return native;
    }

    /// <summary>The table of the running system.</summary>
    public static NativeOpenFlags Current() =>
        OperatingSystem.IsMacOS() ? MacOS(RuntimeInformation.ProcessArchitecture) : Linux(RuntimeInformation.ProcessArchitecture);

    /// <summary>
    /// Linux, by architecture. Values are octal in the headers; the shared ones are from
    /// include/uapi/asm-generic/fcntl.h: O_WRONLY 01, O_RDWR 02, O_CREAT 0100, O_EXCL 0200,
    /// O_NOCTTY 0400, O_APPEND 02000, O_NONBLOCK 04000, O_CLOEXEC 02000000 (the same on every
    /// architecture .NET runs on; alpha, mips, parisc and sparc differ, and .NET has no build for them).
    /// </summary>
    public static NativeOpenFlags Linux(Architecture architecture) => architecture switch
    {
        // arch/x86/include/uapi/asm/fcntl.h only includes asm-generic/fcntl.h:
        // O_DIRECTORY 00200000, O_NOFOLLOW 00400000 (O_LARGEFILE 00100000).
        Architecture.X64 or Architecture.X86 => Generic("Linux " + architecture),
        // arch/riscv and arch/loongarch have no asm/fcntl.h of their own (asm-generic);
        // arch/s390/include/uapi/asm/fcntl.h only includes asm-generic/fcntl.h.
        Architecture.RiscV64 or Architecture.LoongArch64 or Architecture.S390x => Generic("Linux " + architecture),
        // arch/arm64/include/uapi/asm/fcntl.h and arch/arm/include/uapi/asm/fcntl.h:
        // O_DIRECTORY 040000, O_NOFOLLOW 0100000, O_DIRECT 0200000, O_LARGEFILE 0400000.
        Architecture.Arm64 or Architecture.Arm or Architecture.Armv6 => WithOwn("Linux " + architecture, directory: 0x4000, noFollow: 0x8000),
        // arch/powerpc/include/uapi/asm/fcntl.h:
        // O_DIRECTORY 040000, O_NOFOLLOW 0100000, O_LARGEFILE 0200000, O_DIRECT 0400000.
        Architecture.Ppc64le => WithOwn("Linux " + architecture, directory: 0x4000, noFollow: 0x8000),
        _ => throw Unknown("Linux", architecture),
    };

    /// <summary>
    /// macOS (xnu bsd/sys/fcntl.h, the same on x64 and arm64): O_WRONLY 0x1, O_RDWR 0x2, O_NONBLOCK 0x4,
    /// O_APPEND 0x8, O_NOFOLLOW 0x100, O_CREAT 0x200, O_EXCL 0x800, O_NOCTTY 0x20000,
    /// O_DIRECTORY 0x100000, O_CLOEXEC 0x1000000.
    /// </summary>
    public static NativeOpenFlags MacOS(Architecture architecture) => architecture switch
    {
        Architecture.X64 or Architecture.Arm64 => new("macOS " + architecture, writeOnly: 0x1, readWrite: 0x2, create: 0x200, exclusive: 0x800,
            noFollow: 0x100, closeOnExec: 0x1000000, directory: 0x100000, nonBlocking: 0x4, append: 0x8, noControllingTerminal: 0x20000),
        _ => throw Unknown("macOS", architecture),
    };

    private static NativeOpenFlags Generic(string system) => WithOwn(system, directory: 0x10000, noFollow: 0x20000);

    private static NativeOpenFlags WithOwn(string system, int directory, int noFollow) =>
        new(system, writeOnly: 0x1, readWrite: 0x2, create: 0x40, exclusive: 0x80, noFollow: noFollow, closeOnExec: 0x80000,
            directory: directory, nonBlocking: 0x800, append: 0x400, noControllingTerminal: 0x100);

    private static PlatformNotSupportedException Unknown(string system, Architecture architecture) =>
        new($"PidGuard has no table of open(2) flags for {system} on {architecture}: O_NOFOLLOW and O_DIRECTORY differ between architectures, "
            + "and a wrong guess would follow symbolic links. Add the values of that architecture's kernel header to NativeOpenFlags.");
}
