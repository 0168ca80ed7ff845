using System.Globalization;
using System.Text;
using PidGuard.Platform.Windows;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests.Helpers;

/// <summary>Helper processes around NAME.lock.</summary>
internal static class LockHelpers
{
    /// <summary>Exit codes: none of them is 0, which Wine also reports for a process killed by a signal.</summary>
    public const int Won = 10;
    public const int Lost = 33;
    public const int NeverWon = 11;

    /// <summary>Takes the name, writes NAME.pid and NAME.json as the protocol does, signals, and holds it until ended.</summary>
    public static int Hold(string lockPath, string pidFile, string ready)
    {
        using var file = WindowsLockFile.Open(lockPath);
        if (!WindowsLockFile.TryAcquire(file, lockPath))
            return Lost;
        int pid = Environment.ProcessId;
        string token = WindowsProcessIdentity.GetStartToken(pid)!;
        string dir = Path.GetDirectoryName(pidFile)!;
        string stateFile = Path.ChangeExtension(pidFile, ".json");
        WindowsAtomicFile.Write(Path.Join(dir, "." + Path.GetFileName(stateFile) + ".tmp"), stateFile,
            Encoding.UTF8.GetBytes($"{{\"version\":1,\"pid\":{pid},\"startToken\":\"{token}\"}}"));
        WindowsAtomicFile.Write(Path.Join(dir, "." + Path.GetFileName(pidFile) + ".tmp"), pidFile,
            Encoding.ASCII.GetBytes(pid.ToString(CultureInfo.InvariantCulture) + "\n"));
        Signal.SetExisting(ready);
        Thread.Sleep(Bounds.HelperLifetime);
        return Won;
    }

    /// <summary>
    /// Opens the file and counts itself in (<paramref name="ready"/>), waits for the start, tries
    /// once, counts itself out (<paramref name="tried"/>), and keeps whatever it got until the test is done.
    /// </summary>
    public static int Race(string lockPath, string ready, string go, string tried, string done)
    {
        using var file = WindowsLockFile.Open(lockPath);
        Counter.ReleaseExisting(ready);
        if (!Signal.WaitExisting(go, Bounds.Step))
            return 98;
        bool won = WindowsLockFile.TryAcquire(file, lockPath);
        Counter.ReleaseExisting(tried);
        Signal.WaitExisting(done, Bounds.Step);
        return won ? Won : Lost;
    }

    /// <summary>Tries to take the name as fast as it can until told to stop; reports whether it ever won.</summary>
    public static int RacerLoop(string lockPath, string running, string stop)
    {
        using var file = WindowsLockFile.Open(lockPath);
        using var stopEvent = EventWaitHandle.OpenExisting(stop);
        Signal.SetExisting(running);
        var deadline = DateTime.UtcNow + Bounds.Step;
        while (!stopEvent.WaitOne(0) && DateTime.UtcNow < deadline)
        {
            if (WindowsLockFile.TryAcquire(file, lockPath))
                return Won;
        }
        return NeverWon;
    }

    /// <summary>Tries to lock through the handle it inherited (PIDGUARD_INHERITED_HANDLES): Windows says it must not get it.</summary>
    public static int TryInherited(string lockPath, string tried, string exit)
    {
        string value = Environment.GetEnvironmentVariable(WindowsStartInfo.InheritedHandlesVariable)!.Split(',')[0];
        using var inherited = new Microsoft.Win32.SafeHandles.SafeFileHandle(nint.Parse(value, CultureInfo.InvariantCulture), ownsHandle: true);
        bool locked = WindowsLockFile.TryLock(inherited, LockRange.Name, exclusive: true, lockPath);
        Signal.SetExisting(tried);
        Signal.WaitExisting(exit, Bounds.Step);
        return locked ? Won : Lost;
    }

    /// <summary>The child side of a handoff: Handoff range first, then (once the parent let go) the Name range.</summary>
    public static int Adopt(string lockPath, string hasHandoff, string adopted, string exit)
    {
        using var file = WindowsLockFile.Open(lockPath);
        if (!WindowsLockHandoff.TakeHandoffRange(file, lockPath, Bounds.StepMs))
            return 2;
        Signal.SetExisting(hasHandoff);
        if (!WindowsLockHandoff.CompleteAdoption(file, lockPath, Bounds.StepMs))
            return 3;
        Signal.SetExisting(adopted);
        Signal.WaitExisting(exit, Bounds.Step);
        return 0;
    }
}
