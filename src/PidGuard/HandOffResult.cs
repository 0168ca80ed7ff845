namespace PidGuard;

/// <summary>The result of <see cref="InstanceLock.HandOffAsync"/>.</summary>
/// <param name="ChildPid">The process that was started (it leads its own group when asked to).</param>
/// <param name="OwnerPid">The process the files name now: the child, a descendant that adopted the lock, or the program a supervising child already started.</param>
public readonly record struct HandOffResult(int ChildPid, int OwnerPid);
