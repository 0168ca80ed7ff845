using System.Runtime.InteropServices;
using System.Text;

namespace PidGuard.Platform;

/// <summary>
/// Starts a program with posix_spawn(3): the child gets exactly the descriptors the request names
/// (0, 1, 2 and the lock at 3; every other one is closed in the child, so a caller's inherited pipe
/// never reaches a daemon), default handlers for every signal (the runtime ignores SIGPIPE, which
/// must not leak into the program), an empty signal mask, and its own session or process group.
/// Nothing is changed in this process: the lock descriptor keeps FD_CLOEXEC, so a concurrent
/// Process.Start on another thread can never inherit it.
/// </summary>
internal static unsafe class PosixSpawner
{
    private static readonly IntPtr s_addCloseFrom = LibcResolver.Optional("posix_spawn_file_actions_addclosefrom_np");
    private static readonly IntPtr s_addChdir = LibcResolver.Optional("posix_spawn_file_actions_addchdir_np");

    /// <summary>Spawns the program (already resolved to a path) and returns its PID; throws <see cref="UnixIOException"/> naming the program.</summary>
    public static int Spawn(UnixPlatform p, string executable, SpawnRequest request)
    {
        bool macOS = OperatingSystem.IsMacOS();
        var c = p.Constants;
        var strings = new NativeStrings();
        // Sources are moved above the standard numbers first, so no dup2 can clobber another's source.
        var moved = new List<SafeFd>();
        void* actions = NativeMemory.AllocZeroed(SpawnNative.OpaqueSize);
        void* attributes = NativeMemory.AllocZeroed(SpawnNative.OpaqueSize);
        void* mask = NativeMemory.AllocZeroed(SpawnNative.OpaqueSize);
        void* defaults = NativeMemory.AllocZeroed(SpawnNative.OpaqueSize);
        bool actionsReady = false, attributesReady = false;
        try
        {
            Check(SpawnNative.FileActionsInit(actions), "posix_spawn_file_actions_init", executable);
            actionsReady = true;
            Check(SpawnNative.AttributesInit(attributes), "posix_spawnattr_init", executable);
            attributesReady = true;

            Redirect(p, actions, 0, request.Input, readOnly: true, strings, moved, executable);
            Redirect(p, actions, 1, request.Output, readOnly: false, strings, moved, executable);
            if (request.ErrorToOutput)
                Check(SpawnNative.FileActionsAddDup2(actions, 1, 2), "posix_spawn_file_actions_adddup2", executable);
            else
                Redirect(p, actions, 2, request.Error, readOnly: false, strings, moved, executable);
            if (request.Lock is { } lockHandle)
            {
                var high = Duplicate(p, (SafeFd)lockHandle, executable);
                moved.Add(high);
                Check(SpawnNative.FileActionsAddDup2(actions, high.Fd, SpawnRequest.LockDescriptor), "posix_spawn_file_actions_adddup2", executable);
            }
            int firstClosed = request.Lock is null ? 3 : SpawnRequest.LockDescriptor + 1;
            short flags = UnixConstants.SpawnSetSigMask | UnixConstants.SpawnSetSigDef;
            if (macOS)
            {
                // POSIX_SPAWN_CLOEXEC_DEFAULT closes every descriptor no file action names: name 0-2 when inherited.
                flags |= UnixConstants.SpawnCloExecDefaultMacOS;
                for (int fd = 0; fd < 3; fd++)
                {
                    if (StdioOf(request, fd).Kind == StdioKind.Inherit && !(fd == 2 && request.ErrorToOutput))
                        Check(SpawnNative.FileActionsAddDup2(actions, fd, fd), "posix_spawn_file_actions_adddup2", executable);
                }
            }
            else
            {
                AddCloseFrom(actions, firstClosed, executable);
            }
            if (request.WorkingDirectory is { } cwd)
            {
                if (s_addChdir == IntPtr.Zero)
                    throw new PlatformNotSupportedException("This C library has no posix_spawn_file_actions_addchdir_np (glibc 2.29 or macOS 10.15 needed) to start a program in another directory.");
                Check(((delegate* unmanaged<void*, byte*, int>)s_addChdir)(actions, strings.Add(cwd)), "posix_spawn_file_actions_addchdir_np", cwd);
            }
            switch (request.Grouping)
            {
                case SpawnGrouping.NewSession:
                    flags |= c.SpawnSetSid;
                    break;
                case SpawnGrouping.NewProcessGroup:
                    flags |= UnixConstants.SpawnSetPGroup;
                    Check(SpawnNative.AttributesSetPGroup(attributes, 0), "posix_spawnattr_setpgroup", executable);
                    break;
            }
            SpawnNative.SigEmptySet(mask);
            SpawnNative.SigFillSet(defaults);
            Check(SpawnNative.AttributesSetSigMask(attributes, mask), "posix_spawnattr_setsigmask", executable);
            Check(SpawnNative.AttributesSetSigDefault(attributes, defaults), "posix_spawnattr_setsigdefault", executable);
            Check(SpawnNative.AttributesSetFlags(attributes, flags), "posix_spawnattr_setflags", executable);

            byte* path = strings.Add(executable);
            byte** argv = strings.AddArray(request.Arguments);
            byte** envp = strings.AddArray(request.Environment);
            int pid;
            int rc = SpawnNative.PosixSpawn(&pid, path, actions, attributes, argv, envp);
            if (rc != 0)
                throw new UnixIOException(rc, "posix_spawn", executable);
            return pid;
        }
        finally
        {
            if (actionsReady)
                SpawnNative.FileActionsDestroy(actions);
            if (attributesReady)
                SpawnNative.AttributesDestroy(attributes);
            NativeMemory.Free(actions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(mask);
            NativeMemory.Free(defaults);
            strings.Dispose();
            foreach (var fd in moved)
                fd.Dispose();
        }
    }

    private static StdioTarget StdioOf(SpawnRequest r, int fd) => fd switch { 0 => r.Input, 1 => r.Output, _ => r.Error };

    private static void Redirect(UnixPlatform p, void* actions, int fd, StdioTarget target, bool readOnly, NativeStrings strings, List<SafeFd> moved, string executable)
    {
        var open = p.Constants.Open;
        switch (target.Kind)
        {
            case StdioKind.Null:
                Check(SpawnNative.FileActionsAddOpen(actions, fd, strings.Add("/dev/null"), open.ToNative(readOnly ? OpenFlags.ReadOnly : OpenFlags.WriteOnly), 0), "posix_spawn_file_actions_addopen", "/dev/null");
                break;
            case StdioKind.AppendToFile:
                Check(SpawnNative.FileActionsAddOpen(actions, fd, strings.Add(target.Path!), open.ToNative(OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Append | OpenFlags.NoControllingTerminal), 0x1A4 /* 0644 */),
                    "posix_spawn_file_actions_addopen", target.Path);
                break;
            case StdioKind.Descriptor:
                var high = Duplicate(p, target.Fd!, executable);
                moved.Add(high);
                Check(SpawnNative.FileActionsAddDup2(actions, high.Fd, fd), "posix_spawn_file_actions_adddup2", executable);
                break;
        }
    }

    private static SafeFd Duplicate(UnixPlatform p, SafeFd fd, string what)
    {
        int copy = SpawnNative.FcntlInt(fd.Fd, p.Constants.FDupFdCloExec, 10);
        if (copy < 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "fcntl(F_DUPFD_CLOEXEC)", what);
        return new SafeFd(copy);
    }

    private static void AddCloseFrom(void* actions, int first, string executable)
    {
        if (s_addCloseFrom != IntPtr.Zero)
        {
            Check(((delegate* unmanaged<void*, int, int>)s_addCloseFrom)(actions, first), "posix_spawn_file_actions_addclosefrom_np", executable);
            return;
        }
        // glibc before 2.34: close each descriptor open now (a close of one that is gone by then is ignored by glibc).
        foreach (string entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (int.TryParse(Path.GetFileName(entry), out int fd) && fd >= first)
                Check(SpawnNative.FileActionsAddClose(actions, fd), "posix_spawn_file_actions_addclose", executable);
        }
    }

    private static void Check(int rc, string call, string? path)
    {
        if (rc != 0)
            throw new UnixIOException(rc, call, path);
    }

    /// <summary>NUL-terminated UTF-8 strings and string arrays in native memory, freed together.</summary>
    private sealed class NativeStrings : IDisposable
    {
        private readonly List<IntPtr> _blocks = [];

        public byte* Add(string value)
        {
            int length = Encoding.UTF8.GetByteCount(value);
            byte* block = (byte*)NativeMemory.Alloc((nuint)length + 1);
            _blocks.Add((IntPtr)block);
            Encoding.UTF8.GetBytes(value, new Span<byte>(block, length));
            block[length] = 0;
            return block;
        }

        public byte** AddArray(IReadOnlyList<string> values)
        {
            byte** array = (byte**)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(byte*));
            _blocks.Add((IntPtr)array);
            for (int i = 0; i < values.Count; i++)
                array[i] = Add(values[i]);
            array[values.Count] = null;
            return array;
        }

        public void Dispose()
        {
            foreach (IntPtr block in _blocks)
                NativeMemory.Free((void*)block);
        }
    }
}
