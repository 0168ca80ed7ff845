using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>The protocol's files on Unix: the runtime directory, the lock (flock), the pid and state files.</summary>
internal abstract partial class UnixPlatform
{
    public string DefaultRuntimeDirectory(Func<string, string?> environment) =>
        UnixRuntimeDirectory.Default(EffectiveUserId, OperatingSystem.IsLinux(), environment, LStat);

    public bool CreateRuntimeDirectory(string path) => UnixRuntimeDirectory.Create(this, path);

    public FileStatus? RestoreOwnerAccess(string path, FileStatus? status) => UnixRuntimeDirectory.RestoreOwnerAccess(this, path, status);

    public string? RuntimeDirectoryProblem(string path, FileStatus status, bool rootReads) => UnixRuntimeDirectory.Problem(path, status, EffectiveUserId, rootReads);

    public SafeHandle? PinDirectory(string directory) => UnixDirectoryPin.TryTake(this, directory);

    public SmallFile ReadSmallFile(string path, int maxBytes) => UnixSmallFile.Read(this, path, maxBytes);

    public FileStatus WriteAtomically(string target, string temp, ReadOnlySpan<byte> data, bool sync) =>
        UnixAtomicFile.Write(this, target, temp, data, UnixAtomicFile.PublicFileMode, sync);

    public SafeHandle? OpenLockFile(string path, bool create, out FileStatus status) => UnixLockFile.Open(this, path, create, out status);

    public bool TryLockExclusive(SafeHandle lockFile, string path) => TryLock(Fd(lockFile), UnixConstants.LockEx, path);

    public bool IsLockHeld(SafeHandle lockFile, string path)
    {
        var fd = Fd(lockFile);
        if (!TryLock(fd, UnixConstants.LockSh, path))
            return true;
        // This descriptor is ours alone: unlock before closing, so that a copy made by another
        // thread's fork (until its exec) cannot keep the probe's shared lock for a moment.
        UnlockUnshared(fd, path);
        return false;
    }

    public SafeHandle AdoptLock(DaemonPaths paths, out FileStatus lockFile) => UnixLockFile.Adopt(this, paths, out lockFile);
}
