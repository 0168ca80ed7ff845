using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace PidGuard.Platform.Windows;

/// <summary>
/// Passing the name from a parent to a child without a moment in which it is free, using the two
/// ranges of <see cref="LockRange"/>. Inheriting the locked handle is useless on Windows: the lock
/// stays the parent's, and ends when the parent does.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsLockHandoff
{
    /// <summary>Parent, before starting the child: keep <see cref="LockRange.Name"/>, free <see cref="LockRange.Handoff"/>.</summary>
    public static void OfferHandoffRange(SafeFileHandle parentLock, string path) =>
        WindowsLockFile.Unlock(parentLock, LockRange.Handoff, path);

    /// <summary>
    /// Child, on its own handle: take <see cref="LockRange.Handoff"/>. Only a status probe's
    /// shared lock can be in the way (acquirers stop at the parent's Name range), so it retries.
    /// </summary>
    public static bool TakeHandoffRange(SafeFileHandle childLock, string path, int timeoutMs) =>
        Backoff.WaitUntil(() => WindowsLockFile.TryLock(childLock, LockRange.Handoff, exclusive: true, path), timeoutMs);

    /// <summary>
    /// Child, once the parent has closed its handle or exited: take <see cref="LockRange.Name"/>.
    /// An acquirer may hold it for the instant between its two locks, so this retries too.
    /// </summary>
    public static bool CompleteAdoption(SafeFileHandle childLock, string path, int timeoutMs) =>
        Backoff.WaitUntil(() => WindowsLockFile.TryLock(childLock, LockRange.Name, exclusive: true, path), timeoutMs);
}
