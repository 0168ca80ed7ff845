using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using PidGuard.Platform;
using PidGuard.Platform.Windows;
using PidGuard.Windows.Tests.Helpers;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests;

/// <summary>NAME.lock on Windows: conflict, release on death, one winner among many.</summary>
public sealed class LockFileTests : IDisposable
{
    private readonly TestDir _dir = new();

    private string LockPath => _dir.File("web.lock");
    private string PidPath => _dir.File("web.pid");

    public void Dispose() => _dir.Dispose();

    private HelperProcess StartHolder(string? marker = null)
    {
        using var ready = new Signal("held");
        string[] args = marker is null ? ["hold-lock", LockPath, PidPath, ready.Name] : ["hold-lock", LockPath, PidPath, ready.Name, marker];
        var holder = HelperProcess.Start(args);
        Assert.True(ready.Wait(Bounds.Step), "the holder never took the lock");
        return holder;
    }

    [Fact]
    public unsafe void A_second_acquirer_gets_error_33_and_reads_the_owner_pid()
    {
        using var holder = StartHolder();
        using var file = WindowsLockFile.Open(LockPath);

        var overlapped = new NativeOverlapped();
        bool locked = Interop.Kernel32.LockFileEx(file, Interop.Kernel32.LockFileFlags.ExclusiveLock | Interop.Kernel32.LockFileFlags.FailImmediately, 0, 1, 0, &overlapped);
        int error = Marshal.GetLastPInvokeError();
        Assert.False(locked);
        Assert.Equal(Interop.Errors.ERROR_LOCK_VIOLATION, error);
        Assert.False(WindowsLockFile.TryAcquire(file, LockPath));
        Assert.True(WindowsLockFile.IsHeld(file, LockPath));

        // The owner's files are readable while it holds the lock: the ranges lie past any data.
        string pidText = System.Text.Encoding.ASCII.GetString(WindowsAtomicFile.ReadAll(PidPath, 32)!);
        Assert.Equal(holder.Pid, int.Parse(pidText, CultureInfo.InvariantCulture));
        string state = System.Text.Encoding.UTF8.GetString(WindowsAtomicFile.ReadAll(_dir.File("web.json"), 65536)!);
        Assert.Contains($"\"startToken\":\"{WindowsProcessIdentity.GetStartToken(holder.Pid)}\"", state, StringComparison.Ordinal);
    }

    [Fact]
    public void The_lock_is_free_once_the_holder_is_terminated()
    {
        using var holder = StartHolder();
        using var file = WindowsLockFile.Open(LockPath);
        Assert.False(WindowsLockFile.TryAcquire(file, LockPath));

        holder.Terminate();
        var clock = Stopwatch.StartNew();
        Assert.True(Backoff.WaitUntil(() => WindowsLockFile.TryAcquire(file, LockPath), Bounds.StepMs, ct: TestContext.Current.CancellationToken),
            "the lock was still held after the holder was terminated");
        Assert.True(clock.ElapsedMilliseconds < 5000, $"the lock came free only after {clock.ElapsedMilliseconds} ms");
    }

    [Fact(Skip = "kills the Linux process behind a Windows one: only meaningful under Wine",
        SkipUnless = nameof(Wine.IsRunningUnderWine), SkipType = typeof(Wine))]
    public void Under_Wine_the_lock_is_free_once_the_holders_Linux_process_is_SIGKILLed()
    {
        string marker = "marker-" + Guid.NewGuid().ToString("N");
        using var holder = StartHolder(marker);
        int linuxPid = Wine.FindLinuxPid(marker) ?? throw new InvalidOperationException("the holder's Linux process was not found in /proc");
        using var file = WindowsLockFile.Open(LockPath);
        Assert.False(WindowsLockFile.TryAcquire(file, LockPath));

        Wine.SigKill(linuxPid);
        Assert.True(Backoff.WaitUntil(() => WindowsLockFile.TryAcquire(file, LockPath), Bounds.StepMs, ct: TestContext.Current.CancellationToken),
            "the lock was still held after SIGKILL of the holder's Linux process");
        Assert.True(WindowsProcessIdentity.WaitForExit(holder.Handle, Bounds.StepMs));
    }

    [Fact(Skip = "Wine 8 shows a Unix symbolic link to a file as a plain file, by path and by handle: checked only on Windows",
        SkipWhen = nameof(Wine.IsRunningUnderWine), SkipType = typeof(Wine))]
    public void A_lock_file_that_is_a_symbolic_link_is_refused()
    {
        string elsewhere = _dir.File("elsewhere");
        File.WriteAllText(elsewhere, "");
        SymbolicLinks.Create(elsewhere, LockPath, directory: false);
        var error = Assert.Throws<IOException>(() => WindowsLockFile.Open(LockPath));
        Assert.Contains("reparse point", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_16_concurrent_acquirers_exactly_one_wins()
    {
        const int count = 16;
        using var ready = new Counter("ready", count);
        using var go = new Signal("go");
        using var tried = new Counter("tried", count);
        using var done = new Signal("done");
        var racers = new List<HelperProcess>();
        try
        {
            for (int i = 0; i < count; i++)
                racers.Add(HelperProcess.Start("race", LockPath, ready.Name, go.Name, tried.Name, done.Name));
            // Under load 16 processes take seconds to start: count them in rather than sleep.
            Assert.True(ready.WaitForAll(Bounds.Step), "not every racer got ready");
            go.Set();
            Assert.True(tried.WaitForAll(Bounds.Step), "not every racer tried");
            done.Set();
            var codes = racers.Select(r => r.WaitForExitCode()).ToList();
            string seen = string.Join(", ", racers.Zip(codes, (r, c) => $"{r.Pid}:{c}"));
            Assert.True(codes.Count(c => c == LockHelpers.Won) == 1, $"winners must be exactly one; pid:exit code = {seen}");
            Assert.True(codes.Count(c => c == LockHelpers.Lost) == 15, $"the others must have lost; pid:exit code = {seen}");
        }
        finally
        {
            racers.ForEach(r => r.Dispose());
        }
    }

    [Fact]
    public void A_handoff_by_the_two_ranges_never_leaves_the_name_free()
    {
        using var parentLock = WindowsLockFile.Open(LockPath);
        Assert.True(WindowsLockFile.TryAcquire(parentLock, LockPath));
        using var running = new Signal("running");
        using var stopRacing = new Signal("stop");
        using var hasHandoff = new Signal("handoff");
        using var adopted = new Signal("adopted");
        using var exit = new Signal("exit");
        using var racer = HelperProcess.Start("racer-loop", LockPath, running.Name, stopRacing.Name);
        Assert.True(running.Wait(Bounds.Step));

        WindowsLockHandoff.OfferHandoffRange(parentLock, LockPath);
        using var child = HelperProcess.Start("adopt", LockPath, hasHandoff.Name, adopted.Name, exit.Name);
        Assert.True(hasHandoff.Wait(Bounds.Step), "the child never took the handoff range");
        parentLock.Dispose(); // the parent lets go of the Name range (as if it exited)
        Assert.True(adopted.Wait(Bounds.Step), "the child never took the name range");
        Thread.Sleep(300);
        stopRacing.Set();
        Assert.Equal(LockHelpers.NeverWon, racer.WaitForExitCode());

        using var probe = WindowsLockFile.Open(LockPath);
        Assert.True(WindowsLockFile.IsHeld(probe, LockPath));
        exit.Set();
        Assert.Equal(0, child.WaitForExitCode());
        Assert.True(Backoff.WaitUntil(() => WindowsLockFile.TryAcquire(probe, LockPath), Bounds.StepMs, ct: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_child_that_inherits_the_locked_handle_does_not_hold_the_lock()
    {
        using var parentLock = WindowsLockFile.Open(LockPath);
        Assert.True(WindowsLockFile.TryAcquire(parentLock, LockPath));
        using var tried = new Signal("tried");
        using var exit = new Signal("exit");
        using var child = HelperProcess.Start([parentLock], "try-inherited", LockPath, tried.Name, exit.Name);
        Assert.True(tried.Wait(Bounds.Step), "the child never tried its inherited handle");

        // The parent lets go; the child still has the handle (the same file object), yet the name is free.
        WindowsLockFile.Unlock(parentLock, LockRange.Handoff, LockPath);
        WindowsLockFile.Unlock(parentLock, LockRange.Name, LockPath);
        using (var other = WindowsLockFile.Open(LockPath))
        {
            Assert.True(WindowsLockFile.TryAcquire(other, LockPath), "the child's inherited handle kept the name held");
        }
        exit.Set();
        Assert.Equal(LockHelpers.Lost, child.WaitForExitCode());
    }
}
