using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PidGuard.Platform.Windows;

/// <summary>Handing a name from a parent to a child by the two ranges of the lock file (<see cref="IRangeHandoff"/>).</summary>
internal sealed partial class WindowsPlatform
{
    /// <summary>How long an adopting child waits for each range: the parent lets go as soon as it sees the first taken.</summary>
    private const int AdoptWaitMs = 30_000;

    public void OfferHandoff(SafeHandle lockFile, string path) => WindowsLockHandoff.OfferHandoffRange(File(lockFile), path);

    public bool IsHandoffTaken(SafeHandle lockFile, string path)
    {
        var file = File(lockFile);
        if (!WindowsLockFile.TryLock(file, LockRange.Handoff, exclusive: false, path))
            return true;
        WindowsLockFile.Unlock(file, LockRange.Handoff, path);
        return false;
    }

    public bool TakeBackHandoff(SafeHandle lockFile, string path, int timeoutMs) =>
        Backoff.WaitUntil(() => WindowsLockFile.TryLock(File(lockFile), LockRange.Handoff, exclusive: true, path), timeoutMs);

    /// <summary>
    /// The child's side: on its own handle it takes the Handoff range the parent freed (only a status
    /// probe's shared lock can be in the way), then the Name range once the parent lets go of it (an
    /// acquirer may hold it for the instant between its two locks, and fails). A parent that died meanwhile
    /// freed the Name range with its death.
    /// </summary>
    public SafeHandle AdoptLock(DaemonPaths paths, out FileStatus lockFile)
    {
        string variable = InstanceLock.HandoffEnvironmentVariable;
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int parent) || parent <= 0)
            throw new PidGuardException($"{variable} is '{text}': no parent is handing a lock to this process.");
        string path = paths.LockFile;
        var handle = (SafeFileHandle?)OpenLockFile(path, create: false, out lockFile)
            ?? throw new PidGuardException($"{variable}={parent}, but the lock file '{path}' does not exist: there is no lock to adopt.", path);
        try
        {
            if (!Backoff.WaitUntil(() => WindowsLockFile.TryLock(handle, LockRange.Handoff, exclusive: true, path), AdoptWaitMs))
                throw new PidGuardException($"{variable}={parent}, but the lock of '{path}' is not being handed to this process: another process holds it.", path);
            if (!Backoff.WaitUntil(() => WindowsLockFile.TryLock(handle, LockRange.Name, exclusive: true, path), AdoptWaitMs))
            {
                WindowsLockFile.Unlock(handle, LockRange.Handoff, path);
                throw new PidGuardException($"The parent (PID {parent}) handing over the lock of '{path}' did not let go of it within {AdoptWaitMs / 1000} s.", path);
            }
            // Race: the file was replaced while it was handed over: a lock on the old file holds nothing.
            if (LStat(path) is not { } now || !now.SameFileAs(lockFile))
            {
                WindowsLockFile.UnlockAll(handle, path);
                throw new PidGuardException($"The lock file '{path}' was replaced while its lock was handed to this process.", path);
            }
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
