using Microsoft.Extensions.Logging;

namespace PidGuard;

/// <summary>The library's log messages (source-generated, no allocation when disabled).</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning,
        "Runtime directory {Path} is on a network file system ({FileSystem}); flock(2) is emulated with per-process fcntl locks there and the single-instance guarantee is weaker. Use a local directory such as /run.")]
    public static partial void NetworkFileSystem(ILogger logger, string path, string fileSystem);

    [LoggerMessage(2, LogLevel.Warning, "Recovered stale pid file of {Name}: PID {Pid} no longer holds the lock ({PidFile}).")]
    public static partial void StaleRecovered(ILogger logger, string name, string pid, string pidFile);

    [LoggerMessage(3, LogLevel.Debug, "Acquired instance lock of {Name} as PID {Pid} ({LockFile}).")]
    public static partial void Acquired(ILogger logger, string name, int pid, string lockFile);

    [LoggerMessage(4, LogLevel.Warning, "Not removing {Path}: it was replaced by another process after PidGuard wrote it.")]
    public static partial void NotOurs(ILogger logger, string path);

    [LoggerMessage(5, LogLevel.Warning, "Releasing the instance lock of {Name} failed.")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(6, LogLevel.Warning, "The pid file {Path} of {Name} was removed or replaced under the running daemon.")]
    public static partial void PidFileLost(ILogger logger, string path, string name);

    [LoggerMessage(7, LogLevel.Information, "Sent SIG{Signal} to {Name} (PID {Pid}).")]
    public static partial void Signalled(ILogger logger, string signal, string name, int pid);

    [LoggerMessage(8, LogLevel.Information, "Handed the instance lock of {Name} to PID {Pid}.")]
    public static partial void HandedOff(ILogger logger, string name, int pid);

    [LoggerMessage(9, LogLevel.Error,
        "The lock file {Path} of {Name} was removed or replaced under the running daemon. The daemon still holds the lock it opened and its state file still proves it, so no second instance can start and status and stop still find it; find out what removes files from the runtime directory.")]
    public static partial void LockFileLost(ILogger logger, string path, string name);
}
