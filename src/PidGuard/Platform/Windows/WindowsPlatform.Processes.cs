using System.Collections.Concurrent;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>Identity, signals (as Windows understands them) and the programs this process starts.</summary>
internal sealed partial class WindowsPlatform
{
    // A child's process handle is kept until it is reaped: like a zombie on Unix, it keeps the PID
    // from being reused.
    private readonly ConcurrentDictionary<int, SafeObjectHandle> _children = new();

    public string? GetStartToken(int pid) => WindowsProcessIdentity.GetStartToken(pid);

    /// <summary>
    /// 0 probes; KILL terminates; TERM and QUIT send CTRL+BREAK to the group <paramref name="pid"/>
    /// leads (only reaches it on this console); anything else fails (see <see cref="WindowsSignalMap"/>).
    /// PIDs 0 (idle) and 4 (System) are refused outright.
    /// </summary>
    public SignalResult Kill(int pid, int signal)
    {
        if (pid <= 4)
            return SignalResult.Failed;
        switch (WindowsSignalMap.ActionFor(signal, Signals.NameOf(signal), out _))
        {
            case WindowsSignalAction.Probe:
                return WindowsProcessIdentity.IsAlive(pid) ? SignalResult.Delivered : SignalResult.NoSuchProcess;
            case WindowsSignalAction.Terminate:
                using (var process = WindowsProcessIdentity.TryOpen(pid, ProcessAccessRights.Terminate))
                {
                    if (process is null)
                        return WindowsProcessIdentity.IsAlive(pid) ? SignalResult.PermissionDenied : SignalResult.NoSuchProcess;
                    return WindowsProcessIdentity.Terminate(process, (uint)(128 + signal)) ? SignalResult.Delivered : SignalResult.Failed;
                }
            case WindowsSignalAction.Graceful:
            case WindowsSignalAction.CtrlBreak:
                if (!WindowsProcessIdentity.IsAlive(pid))
                    return SignalResult.NoSuchProcess;
                return WindowsConsoleControl.SendCtrlBreak(pid) == 0 ? SignalResult.Delivered : SignalResult.Failed;
            default:
                return SignalResult.Failed;
        }
    }

    /// <summary>Windows process groups exist only on a console and cannot be looked up; jobs take their place.</summary>
    public int? GetProcessGroup(int pid) => null;

    public SignalResult KillGroup(int processGroup, int signal) => SignalResult.Failed;

    /// <summary>
    /// Not pinned: <see cref="ProcessHandle"/> can only carry a pidfd. Signals re-open by PID right
    /// after the caller's identity check (WindowsProcessIdentity.Pin is the pinned way).
    /// </summary>
    public ProcessHandle? OpenProcess(int pid) => WindowsProcessIdentity.IsAlive(pid) ? new ProcessHandle(pid, null) : null;

    public SignalResult SendSignal(ProcessHandle process, int signal) => Kill(process.Pid, signal);

    public bool WaitForExit(ProcessHandle process, int timeoutMs)
    {
        using var handle = WindowsProcessIdentity.TryOpen(process.Pid, ProcessAccessRights.Synchronize | ProcessAccessRights.QueryLimitedInformation);
        return handle is null || WindowsProcessIdentity.WaitForExit(handle, timeoutMs);
    }

    public int Spawn(SpawnRequest request)
    {
        if (request.Lock is not null)
            throw new PlatformNotSupportedException("On Windows a child cannot inherit the lock (a byte-range lock stays its taker's); hand it off with WindowsLockHandoff.");
        var environment = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string entry in request.Environment)
        {
            int equals = entry.IndexOf('=', 1);
            if (equals > 0)
                environment[entry[..equals]] = entry[(equals + 1)..];
        }
        string program = FindProgram(request.Program, environment.GetValueOrDefault("PATH"))
            ?? throw new ProgramNotFoundException(request.Program);
        using var input = StdioHandle(request.Input, 0, forWriting: false);
        using var output = StdioHandle(request.Output, 1, forWriting: true);
        using var error = request.ErrorToOutput && request.Error.Kind == StdioKind.Inherit ? null : StdioHandle(request.Error, 2, forWriting: true);
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
            NoWindow = request.Grouping == SpawnGrouping.NewSession,
        });
        _children[started.Pid] = started.Handle;
        return started.Pid;
    }

    public ChildExitStatus? WaitForChild(int pid, bool reap)
    {
        if (!_children.TryGetValue(pid, out var handle))
            return null;
        WindowsProcessIdentity.WaitForExit(handle, -1);
        uint? code = WindowsProcessIdentity.ExitCode(handle);
        if (reap)
            ReapChild(pid);
        return new ChildExitStatus(code is { } c ? (int)c : null, null);
    }

    public void ReapChild(int pid)
    {
        if (_children.TryRemove(pid, out var handle))
            handle.Dispose();
    }

    /// <summary>Windows has no API that names the holders of a byte-range lock.</summary>
    public IReadOnlyList<int> FindLockHolders(FileStatus lockFile) => [];

    public bool HoldsLock(int pid, FileStatus lockFile) => false;

    public bool CanSeeLockHolders => false;

    /// <summary>Use WindowsJob.ProcessIds for a daemon's tree.</summary>
    public IReadOnlyList<int> ProcessGroupMembers(int processGroup) => [];

    /// <summary>Windows has no sessions in the Unix sense; a daemon's tree is its job object.</summary>
    public IReadOnlyList<int> SessionMembers(int session) => [];

    /// <summary>Windows keeps no parent/group/session record comparable to /proc/PID/stat.</summary>
    public ProcessStatus? GetProcessStatus(int pid) => null;

    private static string? FindProgram(string program, string? pathVariable)
    {
        string[] extensions = Path.HasExtension(program) ? [""] : ["", ".exe", ".com", ".cmd", ".bat"];
        IEnumerable<string> candidates = Path.IsPathRooted(program) || program.Contains('\\', StringComparison.Ordinal) || program.Contains('/', StringComparison.Ordinal)
            ? [Path.GetFullPath(program)]
            : (pathVariable ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(dir => Path.Combine(dir.Trim('"'), program));
        foreach (string candidate in candidates)
        {
            foreach (string extension in extensions)
            {
                if (File.Exists(candidate + extension))
                    return candidate + extension;
            }
        }
        return null;
    }

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
                var handle = CreateFile(target.Path!, FileAccessRights.FileAppendData | FileAccessRights.Synchronize, FileShareMode.Read | FileShareMode.Write | FileShareMode.Delete,
                    null, CreationDisposition.OpenAlways, FileFlagsAndAttributes.AttributeNormal, 0);
                if (handle.IsInvalid)
                    throw WindowsIOException.Last("CreateFileW", target.Path);
                return handle;
            default:
                throw new PlatformNotSupportedException($"A {target.Kind} standard stream needs a SafeFd, which Windows does not have.");
        }
    }
}
