using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// The libc constants whose values differ between Linux (x64 / arm64) and macOS.
/// </summary>
internal sealed class UnixConstants
{
    public required int ORdOnly { get; init; }
    public required int OWrOnly { get; init; }
    public required int ORdWr { get; init; }
    public required int OCreat { get; init; }
    public required int OExcl { get; init; }
    public required int ONoFollow { get; init; }
    public required int OCloExec { get; init; }
    public required int ODirectory { get; init; }
    public required int ONonBlock { get; init; }
    public required int OAppend { get; init; }
    public required int ONoCtty { get; init; }
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
    public const int EIsDir = 21;
    public const int EInval = 22;

    public const int ECHild = 10;

    public const short SpawnSetPGroup = 0x02;
    public const short SpawnSetSigDef = 0x04;
    public const short SpawnSetSigMask = 0x08;
    public const short SpawnCloExecDefaultMacOS = 0x4000;

    public const int WNoHang = 1;
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
        // x86 and x86_64 use their own O_DIRECTORY / O_NOFOLLOW values; arm, arm64 and the
        // other asm-generic architectures use the generic ones.
        bool x86 = arch is Architecture.X64 or Architecture.X86;
        return new UnixConstants
        {
            ORdOnly = 0,
            OWrOnly = 1,
            ORdWr = 2,
            OCreat = 0x40,
            OExcl = 0x80,
            ONoFollow = x86 ? 0x20000 : 0x8000,
            OCloExec = 0x80000,
            ODirectory = x86 ? 0x10000 : 0x4000,
            ONonBlock = 0x800,
            OAppend = 0x400,
            ONoCtty = 0x100,
            FDupFdCloExec = 1030,
            WNoWait = 0x01000000,
            SpawnSetSid = 0x80,
            EAgain = 11,
            ELoop = 40,
            ENoSys = 38,
            FioClex = 0x5451,
            FioNClex = 0x5450,
        };
    }

    public static UnixConstants MacOS() => new()
    {
        ORdOnly = 0,
        OWrOnly = 1,
        ORdWr = 2,
        OCreat = 0x200,
        OExcl = 0x800,
        ONoFollow = 0x100,
        OCloExec = 0x1000000,
        ODirectory = 0x100000,
        ONonBlock = 0x4,
        OAppend = 0x8,
        ONoCtty = 0x20000,
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
