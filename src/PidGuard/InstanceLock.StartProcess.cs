using PidGuard.Platform;

namespace PidGuard;

/// <summary>Starting a program that shares the lock.</summary>
public sealed partial class InstanceLock
{
    /// <summary>
    /// Starts a program of the daemon. On Linux and macOS it shares the lock (at descriptor 3, not
    /// advertised): while it, or anything that inherited the descriptor from it, lives, the name stays
    /// held — also if this process is SIGKILLed. Only descriptors 0-2 (as <paramref name="startInfo"/>
    /// sets them) and the lock reach it. On Windows a lock cannot be shared: the program runs in the
    /// daemon's job, which ends when this holder lets go of the name or dies, so no program of the
    /// daemon outlives the lock; only its standard handles reach it.
    /// Throws <see cref="ProgramNotFoundException"/> when the program is not found.
    /// </summary>
    public DaemonProcess StartProcess(DaemonStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        return StartSharing(startInfo.ToSpawnRequest(_platform));
    }

    internal DaemonProcess StartSharing(SpawnRequest request)
    {
        lock (_sync)
        {
            ThrowIfNotWriter();
            // Race: a concurrent Process.Start on another thread. The lock reaches only this child through
            // a dup2 file action; this process's descriptor keeps FD_CLOEXEC throughout.
            _shared = _platform is not IRangeHandoff;
            return DaemonProcess.Start(_platform, request with { Lock = _fd, Holder = _holder });
        }
    }
}
