using System.Text.Json.Serialization;

namespace PidGuard;

/// <summary>The content of <c>NAME.json</c>: who the daemon is and how it is doing.</summary>
public sealed class DaemonStateRecord
{
    /// <summary>The state file format version this library writes.</summary>
    public const int CurrentVersion = 2;

    /// <summary>Format version (1: the pid file named the supervisor; 2: it names the program).</summary>
    public int Version { get; set; } = CurrentVersion;

    /// <summary>The daemon name.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// The daemon's main process: the PID in the pid file. For a program started by <c>pidguard
    /// run</c> or <c>start</c> it is the program itself, not its <see cref="Supervisor"/>.
    /// </summary>
    public int Pid { get; set; }

    /// <summary>The kernel's start-time token of <see cref="Pid"/>: with <see cref="BootId"/>, the identity that guards against PID reuse.</summary>
    public string? StartToken { get; set; }

    /// <summary>The boot the daemon started in (Linux boot_id), when known.</summary>
    public string? BootId { get; set; }

    /// <summary>When the main process started (for a supervised program: this run of it).</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The last heartbeat, when the daemon beats.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }

    /// <summary>The promised heartbeat interval in milliseconds, when the daemon beats.</summary>
    public long? HeartbeatIntervalMs { get; set; }

    /// <summary>A free-form health/status line reported by the daemon.</summary>
    public string? Status { get; set; }

    /// <summary>The daemon's command line.</summary>
    public IReadOnlyList<string>? CommandLine { get; set; }

    /// <summary>The working directory the daemon was started in.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>The host name.</summary>
    public string? Host { get; set; }

    /// <summary>
    /// The lock file the daemon holds (device and inode), so that its holders can be proven through the
    /// kernel's record of the lock even if the file was removed or replaced under them.
    /// </summary>
    public FileIdentity? LockFile { get; set; }

    /// <summary>For supervised programs: the supervisor, which holds the lock and starts the program.</summary>
    public ProcessRecord? Supervisor { get; set; }

    /// <summary>For supervised programs: what the supervisor is doing (see <see cref="SupervisorPhase"/>).</summary>
    public string? Phase { get; set; }

    /// <summary>For supervised programs: the log file.</summary>
    public string? LogFile { get; set; }

    /// <summary>For supervised programs: the restart policy (<c>no</c>, <c>on-failure</c>, <c>always</c>).</summary>
    public string? RestartPolicy { get; set; }

    /// <summary>For supervised programs: the most restarts allowed within <see cref="RestartWindowSeconds"/>, when limited.</summary>
    public int? MaxRestarts { get; set; }

    /// <summary>For supervised programs: the window of <see cref="MaxRestarts"/>, in seconds.</summary>
    public double? RestartWindowSeconds { get; set; }

    /// <summary>True once the daemon reported readiness (sd_notify <c>READY=1</c>).</summary>
    public bool? Ready { get; set; }

    /// <summary>For supervised programs: how many times the program was restarted.</summary>
    public int? Restarts { get; set; }

    /// <summary>For supervised programs: when the next restart is due, while <see cref="Phase"/> is restarting.</summary>
    public DateTimeOffset? NextRestartAt { get; set; }

    /// <summary>For supervised programs: how the program last ended.</summary>
    public ExitRecord? LastExit { get; set; }

    /// <summary>Fields this version does not know, kept when the record is rewritten.</summary>
    [JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Extra { get; set; }

    internal DaemonStateRecord Clone() => (DaemonStateRecord)MemberwiseClone();
}

/// <summary>A file's identity: its device and inode.</summary>
public sealed class FileIdentity
{
    /// <summary>The device (major in the high 32 bits, minor in the low ones).</summary>
    public ulong Device { get; set; }

    /// <summary>The inode.</summary>
    public ulong Inode { get; set; }
}

/// <summary>A process recorded with its identity.</summary>
public sealed class ProcessRecord
{
    /// <summary>The PID.</summary>
    public int Pid { get; set; }

    /// <summary>The kernel's start-time token of <see cref="Pid"/>.</summary>
    public string? StartToken { get; set; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; set; }
}

/// <summary>The phases a supervisor records in <see cref="DaemonStateRecord.Phase"/>.</summary>
public static class SupervisorPhase
{
    /// <summary>The supervisor holds the lock and is starting the program.</summary>
    public const string Starting = "starting";

    /// <summary>The program runs.</summary>
    public const string Running = "running";

    /// <summary>The program exited and will be started again at <see cref="DaemonStateRecord.NextRestartAt"/>.</summary>
    public const string Restarting = "restarting";

    /// <summary>The supervisor was told to stop and is ending the program.</summary>
    public const string Stopping = "stopping";

    /// <summary>The program kept failing: the supervisor gave up after its restart limit.</summary>
    public const string Failed = "failed";

    /// <summary>The program exited and is not restarted.</summary>
    public const string Exited = "exited";
}

/// <summary>How a supervised program ended.</summary>
public sealed class ExitRecord
{
    /// <summary>The PID of the program that ended.</summary>
    public int? Pid { get; set; }

    /// <summary>The exit code, when it exited.</summary>
    public int? Code { get; set; }

    /// <summary>The signal that killed it, when it was killed.</summary>
    public int? Signal { get; set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset At { get; set; }
}
