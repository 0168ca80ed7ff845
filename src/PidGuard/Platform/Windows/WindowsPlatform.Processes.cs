using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>Identity, what signals mean here, and the programs this process starts.</summary>
internal sealed partial class WindowsPlatform
{
    /// <summary>A program this process started: its handle (kept until reaped, so its PID cannot be reused) and the job it runs in.</summary>
    private sealed record Child(SafeObjectHandle Handle, WindowsJob? Job, bool LeadsGroup);

    private readonly ConcurrentDictionary<int, Child> _children = new();

    /// <summary>0 (System Idle) and 4 (System) are never opened, waited for or signalled, whatever a file says.</summary>
    private static bool IsSystemProcess(int pid) => pid is <= 0 or 4;

    public string? GetStartToken(int pid) => pid <= 0 ? null : WindowsProcessIdentity.GetStartToken(pid);

    /// <summary>
    /// 0 probes; KILL terminates; TERM sends CTRL+BREAK to the process group <paramref name="pid"/> leads
    /// (it reaches only a group on this process's console: a program this process started). Anything
    /// else fails (<see cref="WindowsSignalMap"/>). PIDs 0 and 4 are refused.
    /// </summary>
    public SignalResult Kill(int pid, int signal)
    {
        if (IsSystemProcess(pid))
            return SignalResult.Failed;
        switch (WindowsSignalMap.ActionFor(signal, Signals.NameOf(signal), out _))
        {
            case WindowsSignalAction.Probe:
                return WindowsProcessIdentity.IsAlive(pid) ? SignalResult.Delivered : SignalResult.NoSuchProcess;
            case WindowsSignalAction.Terminate:
                if (_children.TryGetValue(pid, out var child))
                    return Terminate(child.Handle, signal);
                using (var process = WindowsProcessIdentity.TryOpen(pid, ProcessAccessRights.Terminate | ProcessAccessRights.Synchronize))
                {
                    if (process is null)
                        return WindowsProcessIdentity.IsAlive(pid) ? SignalResult.PermissionDenied : SignalResult.NoSuchProcess;
                    return Terminate(process, signal);
                }
            case WindowsSignalAction.Graceful:
                if (!WindowsProcessIdentity.IsAlive(pid))
                    return SignalResult.NoSuchProcess;
                return WindowsConsoleControl.SendCtrlBreak(pid) == 0 ? SignalResult.Delivered : SignalResult.Failed;
            default:
                return SignalResult.Failed;
        }
    }

    private static SignalResult Terminate(SafeObjectHandle process, int signal)
    {
        if (WindowsProcessIdentity.HasExited(process))
            return SignalResult.NoSuchProcess;
        return WindowsProcessIdentity.Terminate(process, (uint)(128 + signal)) ? SignalResult.Delivered
            : Marshal.GetLastPInvokeError() == Interop.Errors.ERROR_ACCESS_DENIED ? SignalResult.PermissionDenied
            : SignalResult.Failed;
    }

    /// <summary>A console process group exists only for a program this process started in one (its PID is the group's id).</summary>
    public int? GetProcessGroup(int pid) => _children.TryGetValue(pid, out var child) && child.LeadsGroup ? pid : null;

    /// <summary>
    /// The "group" of a program this process started is its job (the daemon's whole tree): KILL
    /// terminates the job, TERM sends CTRL+BREAK to the program's console group.
    /// </summary>
    public SignalResult KillGroup(int processGroup, int signal)
    {
        if (IsSystemProcess(processGroup) || !_children.TryGetValue(processGroup, out var child))
            return SignalResult.Failed;
        if (signal == Signals.Kill && child.Job is { } job)
        {
            job.Terminate((uint)(128 + signal));
            return SignalResult.Delivered;
        }
        return Kill(processGroup, signal);
    }

    /// <summary>The processes of the job of a program this process started (its leftovers, once it has exited).</summary>
    public IReadOnlyList<int> ProcessGroupMembers(int processGroup) =>
        _children.TryGetValue(processGroup, out var child) && child.Job is { } job ? job.ProcessIds() : [];

    /// <summary>
    /// Pins a process: a handle that can wait for it and, where this user may, terminate it. While it is
    /// open the PID cannot be given to another process, so a later identity check proves the handle.
    /// </summary>
    public ProcessHandle? OpenProcess(int pid)
    {
        if (IsSystemProcess(pid))
            return null;
        var handle = WindowsProcessIdentity.TryOpen(pid, ProcessAccessRights.QueryLimitedInformation | ProcessAccessRights.Synchronize | ProcessAccessRights.Terminate)
            ?? WindowsProcessIdentity.TryOpen(pid, ProcessAccessRights.QueryLimitedInformation | ProcessAccessRights.Synchronize);
        if (handle is null)
            return null;
        if (WindowsProcessIdentity.HasExited(handle))
        {
            handle.Dispose();
            return null;
        }
        return new ProcessHandle(pid, handle);
    }

    public SignalResult SendSignal(ProcessHandle process, int signal)
    {
        if (process.Pinned is not SafeObjectHandle handle)
            return Kill(process.Pid, signal);
        return WindowsSignalMap.ActionFor(signal, Signals.NameOf(signal), out _) switch
        {
            WindowsSignalAction.Probe => WindowsProcessIdentity.HasExited(handle) ? SignalResult.NoSuchProcess : SignalResult.Delivered,
            WindowsSignalAction.Terminate => Terminate(handle, signal),
            _ => Kill(process.Pid, signal),
        };
    }

    /// <summary>TERM asks the daemon to stop through its stop event; KILL terminates the main process.</summary>
    public SignalResult SignalMainProcess(DaemonStatus status, ProcessHandle main, int signal, StopTarget target) =>
        WindowsSignalMap.ActionFor(signal, Signals.NameOf(signal), out _) switch
        {
            WindowsSignalAction.Graceful => WindowsDaemonTarget.RequestStop(status.Paths),
            _ => SendSignal(main, signal),
        };

    public bool WaitForExit(ProcessHandle process, int timeoutMs)
    {
        if (process.Pinned is SafeObjectHandle pinned)
            return WindowsProcessIdentity.WaitForExit(pinned, timeoutMs);
        using var handle = WindowsProcessIdentity.TryOpen(process.Pid, ProcessAccessRights.Synchronize | ProcessAccessRights.QueryLimitedInformation);
        return handle is null || WindowsProcessIdentity.WaitForExit(handle, timeoutMs);
    }

    public IDaemonTarget PinDaemon(DaemonStatus status) => WindowsDaemonTarget.Pin(this, status);

    public string? FindProgram(string program, string? pathVariable, string baseDirectory)
    {
        if (program.Length == 0)
            return null;
        string[] extensions = Path.HasExtension(program) ? [""] : ["", ".exe", ".com"];
        IEnumerable<string> candidates = Path.IsPathRooted(program) || program.Contains('\\', StringComparison.Ordinal) || program.Contains('/', StringComparison.Ordinal)
            ? [Path.GetFullPath(program, baseDirectory)]
            : (pathVariable ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.GetFullPath(Path.Join(dir.Trim('"'), program), baseDirectory));
        foreach (string candidate in candidates)
        {
            foreach (string extension in extensions)
            {
                if (WindowsFileAttributes.OfPath(candidate + extension) is { } attributes && (attributes & FileAttributeFlags.Directory) == 0)
                    return candidate + extension;
            }
        }
        return null;
    }

    /// <summary>
    /// Starts a program with exactly its standard handles. A program of a daemon (<see cref="SpawnRequest.Holder"/>)
    /// starts suspended in the daemon's kill-on-close job, in a console process group of its own on this
    /// process's console (where CTRL+BREAK can reach it). A detached process (<see cref="SpawnGrouping.NewSession"/>,
    /// a supervisor) gets a hidden console of its own and leaves the caller's job, so that it outlives the caller's session.
    /// </summary>
    public int Spawn(SpawnRequest request)
    {
        var environment = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string entry in request.Environment)
        {
            int equals = entry.IndexOf('=', 1);
            if (equals > 0)
                environment[entry[..equals]] = entry[(equals + 1)..];
        }
        string program = FindProgram(request.Program, environment.GetValueOrDefault("PATH"), request.WorkingDirectory ?? Environment.CurrentDirectory)
            ?? throw new ProgramNotFoundException(request.Program);
        var job = (request.Holder as WindowsHolderObjects)?.Job();
        bool detached = job is null && request.Grouping == SpawnGrouping.NewSession;
        bool breakaway = detached && WindowsCallerJob.MustBreakAway(request.Program);
        using var input = StdioHandle(request.Input, 0, forWriting: false);
        using var output = StdioHandle(request.Output, 1, forWriting: true);
        using var error = request.ErrorToOutput ? null : StdioHandle(request.Error, 2, forWriting: true);
        var started = WindowsProcessLauncher.Start(new WindowsStartInfo
        {
            Program = program,
            Arguments = request.Arguments.Skip(1).ToList(),
            Environment = environment,
            WorkingDirectory = request.WorkingDirectory,
            StandardInput = input,
            StandardOutput = output,
            StandardError = error ?? output,
            NewProcessGroup = request.Grouping != SpawnGrouping.Inherit,
            NoWindow = detached,
            BreakawayFromJob = breakaway,
            Job = job,
        });
        _children[started.Pid] = new Child(started.Handle, job, request.Grouping != SpawnGrouping.Inherit);
        return started.Pid;
    }

    public ChildExitStatus? WaitForChild(int pid, bool reap)
    {
        if (!_children.TryGetValue(pid, out var child))
            return null;
        WindowsProcessIdentity.WaitForExit(child.Handle, -1);
        uint? code = WindowsProcessIdentity.ExitCode(child.Handle);
        if (reap)
            ReapChild(pid);
        return new ChildExitStatus(code is { } c ? unchecked((int)c) : null, null);
    }

    /// <summary>Closes the handle of an exited program: only now may Windows give its PID to another process.</summary>
    public void ReapChild(int pid)
    {
        if (_children.TryRemove(pid, out var child))
            child.Handle.Dispose();
    }

    /// <summary>Windows has no API that names the holders of a byte-range lock.</summary>
    public IReadOnlyList<int> FindLockHolders(FileStatus lockFile) => [];

    public bool HoldsLock(int pid, FileStatus lockFile) => false;

    public bool CanSeeLockHolders => false;

    /// <summary>Windows has no sessions in the Unix sense; a daemon's tree is its job.</summary>
    public IReadOnlyList<int> SessionMembers(int session) => [];

    /// <summary>Windows keeps no parent/group/session record comparable to /proc/PID/stat.</summary>
    public ProcessStatus? GetProcessStatus(int pid) => null;

    private static unsafe SafeFileHandle? StdioHandle(StdioTarget target, int fd, bool forWriting)
    {
        switch (target.Kind)
        {
            case StdioKind.Null:
                return null;
            case StdioKind.Inherit:
                nint own = GetStdHandle(fd switch { 0 => STD_INPUT_HANDLE, 1 => STD_OUTPUT_HANDLE, _ => STD_ERROR_HANDLE });
                return own is 0 or -1 ? null : new SafeFileHandle(own, ownsHandle: false);
            case StdioKind.AppendToFile:
                var handle = CreateFile(target.Path!, FileAccessRights.FileAppendData | FileAccessRights.Synchronize, FileShareMode.All,
                    null, CreationDisposition.OpenAlways, FileFlagsAndAttributes.AttributeNormal, 0);
                if (handle.IsInvalid)
                {
                    var error = WindowsIOException.Last("CreateFileW", target.Path);
                    handle.Dispose();
                    throw error;
                }
                return handle;
            default:
                throw new PlatformNotSupportedException($"A {target.Kind} standard stream is a Unix descriptor, which Windows does not have.");
        }
    }
}
