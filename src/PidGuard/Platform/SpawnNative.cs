using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// posix_spawn(3) and the calls that wait for and describe a child, for Linux (glibc) and macOS.
/// The spawn structures are opaque: they are allocated generously and only touched through libc.
/// </summary>
internal static unsafe partial class SpawnNative
{
    private const string Libc = "libc";

    /// <summary>Bytes reserved for a posix_spawn_file_actions_t / posix_spawnattr_t / sigset_t (glibc: 80 / 336 / 128; macOS: a pointer).</summary>
    internal const int OpaqueSize = 1024;

    [LibraryImport(Libc, EntryPoint = "posix_spawn")]
    internal static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_init")]
    internal static partial int FileActionsInit(void* fileActions);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_destroy")]
    internal static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_adddup2")]
    internal static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_addopen")]
    internal static partial int FileActionsAddOpen(void* fileActions, int fd, byte* path, int flags, int mode);

    [LibraryImport(Libc, EntryPoint = "posix_spawn_file_actions_addclose")]
    internal static partial int FileActionsAddClose(void* fileActions, int fd);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_init")]
    internal static partial int AttributesInit(void* attributes);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_destroy")]
    internal static partial int AttributesDestroy(void* attributes);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setflags")]
    internal static partial int AttributesSetFlags(void* attributes, short flags);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigmask")]
    internal static partial int AttributesSetSigMask(void* attributes, void* mask);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setsigdefault")]
    internal static partial int AttributesSetSigDefault(void* attributes, void* signals);

    [LibraryImport(Libc, EntryPoint = "posix_spawnattr_setpgroup")]
    internal static partial int AttributesSetPGroup(void* attributes, int processGroup);

    [LibraryImport(Libc, EntryPoint = "sigemptyset")]
    internal static partial int SigEmptySet(void* set);

    [LibraryImport(Libc, EntryPoint = "sigfillset")]
    internal static partial int SigFillSet(void* set);

    [LibraryImport(Libc, EntryPoint = "waitid", SetLastError = true)]
    internal static partial int WaitId(int idType, int id, byte* info, int options);

    [LibraryImport(Libc, EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int FcntlInt(int fd, int command, int argument);

    [LibraryImport(Libc, EntryPoint = "isatty")]
    internal static partial int IsATty(int fd);

    [LibraryImport(Libc, EntryPoint = "tcgetpgrp", SetLastError = true)]
    internal static partial int TcGetPGrp(int fd);

    [LibraryImport(Libc, EntryPoint = "getpgrp")]
    internal static partial int GetPGrp();

    [LibraryImport(Libc, EntryPoint = "umask")]
    internal static partial int Umask(int mask);

    [LibraryImport(Libc, EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Access(string path, int mode);

    internal const int XOk = 1;
    internal const int PPid = 1;
}
