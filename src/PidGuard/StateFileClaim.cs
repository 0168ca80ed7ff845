namespace PidGuard;

/// <summary>Whose the file at <c>NAME.json</c> is (<see cref="StateFile.Claim"/>).</summary>
internal enum StateFileKind
{
    /// <summary>There is no such file.</summary>
    Missing,

    /// <summary>PidGuard's record of this daemon name.</summary>
    Ours,

    /// <summary>PidGuard's, but unreadable: empty, zero-filled, or torn.</summary>
    Damaged,

    /// <summary>Another program's file, or not a regular file: never overwritten or removed.</summary>
    Foreign,
}

/// <param name="Kind">Whose the file is.</param>
/// <param name="Record">The record, when it is <see cref="StateFileKind.Ours"/>.</param>
/// <param name="Problem">Why it is not a readable record of ours.</param>
internal readonly record struct StateFileClaim(StateFileKind Kind, DaemonStateRecord? Record, string? Problem)
{
    /// <summary>PidGuard may replace or remove the file.</summary>
    public bool IsPidGuards => Kind is StateFileKind.Ours or StateFileKind.Damaged;
}
