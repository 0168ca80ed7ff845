namespace PidGuard;

/// <summary>Who is responsible for the pid and state files of an <see cref="InstanceLock"/>.</summary>
public enum LockOwnership
{
    /// <summary>This process took the lock and wrote the files; releasing removes them and unlocks.</summary>
    WriteOwner,

    /// <summary>The lock was handed to a child; releasing only closes this descriptor (never LOCK_UN).</summary>
    Handoff,

    /// <summary>This process adopted an inherited, already locked descriptor; releasing removes the files and unlocks.</summary>
    Adopted,
}
