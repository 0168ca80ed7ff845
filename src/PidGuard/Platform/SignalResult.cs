namespace PidGuard.Platform;

/// <summary>What <c>kill(2)</c> (or pidfd_send_signal) answered.</summary>
internal enum SignalResult
{
    Delivered,
    NoSuchProcess,
    PermissionDenied,
    Failed,
}
