using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// The libc constants whose values differ between Linux (by architecture) and macOS. Open flags
/// are in <see cref="Open"/>; the rest of the kernel's numbers that are the same everywhere are constants.
/// </summary>
internal sealed class UnixConstants
{
    /// <summary>The open(2) flags of this kernel and architecture.</summary>
    public required NativeOpenFlags Open { get; init; }

    public required int FDupFdCloExec { get; init; }
    public required int WNoWait { get; init; }

    /// <summary>posix_spawnattr flags: SETSID is a glibc / macOS extension with different values.</summary>
    public required short SpawnSetSid { get; init; }

    public required int EAgain { get; init; }
    public required int ELoop { get; init; }
    public required int ENoSys { get; init; }

    public required ulong FioClex { get; init; }
    public required ulong FioNClex { get; init; }

    public const int EPerm = 1;
    public const int ENoEnt = 2;
    public const int ESrch = 3;
    public const int EIntr = 4;
    public const int EAcces = 13;
    public const int EExist = 17;
    public const int ENotDir = 20;

    public const int ECHild = 10;

    public const short SpawnSetPGroup = 0x02;
    public const short SpawnSetSigDef = 0x04;
    public const short SpawnSetSigMask = 0x08;
    public const short SpawnCloExecDefaultMacOS = 0x4000;

    public const int WExited = 4;
    public const int CldExited = 1;

    public const int LockSh = 1;
    public const int LockEx = 2;
    public const int LockNb = 4;
    public const int LockUn = 8;

    public const int SIfMt = 0xF000;
    public const int SIfReg = 0x8000;
    public const int SIfDir = 0x4000;
    public const int SIfLnk = 0xA000;

    public static UnixConstants Linux(Architecture arch)
    {
        var open = NativeOpenFlags.Linux(arch); // refuses an architecture without a table
        // include/uapi/asm-generic/ioctls.h: FIOCLEX 0x5451, FIONCLEX 0x5450 (x86, arm, arm64, riscv64,
        // loongarch64, and s390x, whose asm/ioctls.h includes the generic one); powerpc's asm/ioctls.h has
        // _IO('f', 1) and _IO('f', 2), with its own _IOC_NONE (1) at bit 29: 0x20006601, 0x20006602.
        bool powerpc = arch == Architecture.Ppc64le;
        return new UnixConstants
        {
            Open = open,
            FDupFdCloExec = 1030,
            WNoWait = 0x01000000,
            SpawnSetSid = 0x80,
            EAgain = 11,
            ELoop = 40,
            ENoSys = 38,
            FioClex = powerpc ? 0x20006601UL : 0x5451,
            FioNClex = powerpc ? 0x20006602UL : 0x5450,
        };
    }

    public static UnixConstants MacOS(Architecture arch) => new()
    {
        Open = NativeOpenFlags.MacOS(arch),
        FDupFdCloExec = 67,
        WNoWait = 0x20,
        SpawnSetSid = 0x400,
        EAgain = 35,
        ELoop = 62,
        ENoSys = 78,
        FioClex = 0x20006601,
        FioNClex = 0x20006602,
    };
}
