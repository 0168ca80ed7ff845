namespace PidGuard.Platform;

/// <summary>What the kernel says about a live process (Linux <c>/proc/PID/stat</c>).</summary>
/// <param name="ParentPid">Field 4.</param>
/// <param name="ProcessGroup">Field 5.</param>
/// <param name="Session">Field 6.</param>
/// <param name="State">Field 3: R, S, D, T (stopped), t (traced), Z (zombie) ...</param>
/// <param name="StartToken">Field 22, the start time in clock ticks after boot.</param>
internal readonly record struct ProcessStatus(int ParentPid, int ProcessGroup, int Session, char State, string StartToken)
{
    public bool IsZombie => State is 'Z' or 'X' or 'x';
    public bool IsStopped => State is 'T' or 't';
}
