using System.Text.Json.Serialization;

namespace PidGuard;

/// <summary>The content of <c>NAME.json</c>: who the daemon is and how it is doing.</summary>
public sealed class DaemonStateRecord
{
    /// <summary>The state file format version this library writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Format version.</summary>
    public int Version { get; set; } = CurrentVersion;

    /// <summary>The daemon name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The daemon's PID (the lock holder).</summary>
    public int Pid { get; set; }

    /// <summary>The kernel's start-time token of <see cref="Pid"/>: with <see cref="BootId"/>, the identity that guards against PID reuse.</summary>
    public string? StartToken { get; set; }

    /// <summary>The boot the daemon started in (Linux boot_id), when known.</summary>
    public string? BootId { get; set; }

    /// <summary>When the daemon took the lock.</summary>
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

    /// <summary>For supervised programs: the PID of the supervised child (the supervisor is <see cref="Pid"/>).</summary>
    public int? ChildPid { get; set; }

    /// <summary>For supervised programs: the kernel start-time token of <see cref="ChildPid"/>.</summary>
    public string? ChildStartToken { get; set; }

    /// <summary>For supervised programs: the log file.</summary>
    public string? LogFile { get; set; }

    /// <summary>For supervised programs: the restart policy (<c>no</c>, <c>on-failure</c>, <c>always</c>).</summary>
    public string? RestartPolicy { get; set; }

    /// <summary>True once the daemon reported readiness (sd_notify <c>READY=1</c>).</summary>
    public bool? Ready { get; set; }

    /// <summary>For supervised programs: how many times the child was restarted.</summary>
    public int? Restarts { get; set; }

    /// <summary>For supervised programs: how the child last ended.</summary>
    public ExitRecord? LastExit { get; set; }

    /// <summary>Fields this version does not know, kept when the record is rewritten.</summary>
    [JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Extra { get; set; }

    internal DaemonStateRecord Clone() => (DaemonStateRecord)MemberwiseClone();
}

/// <summary>How a supervised program ended.</summary>
public sealed class ExitRecord
{
    /// <summary>The exit code, when it exited.</summary>
    public int? Code { get; set; }

    /// <summary>The signal that killed it, when it was killed.</summary>
    public int? Signal { get; set; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset At { get; set; }
}
