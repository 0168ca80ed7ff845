using System.Globalization;
using Microsoft.Extensions.Logging;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// Handing the lock off where it cannot be inherited (Windows): the two ranges of the lock file pass one
/// at a time (<see cref="IRangeHandoff"/>), so that the name is never free and no acquirer can win in between.
/// </summary>
public sealed partial class InstanceLock
{
    private async Task<HandOffResult> HandOffByRangesAsync(IRangeHandoff ranges, SpawnRequest request, TimeSpan timeout, CancellationToken ct)
    {
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + Milliseconds(timeout);
        DaemonProcess child;
        lock (_sync)
        {
            ThrowIfNotWriter();
            ranges.OfferHandoff(_fd!, Paths.LockFile);
            try
            {
                // Not in this holder's job: the child is the next holder and must outlive this process.
                child = DaemonProcess.Start(_platform, request);
            }
            catch
            {
                ranges.TakeBackHandoff(_fd!, Paths.LockFile, (int)AbortGrace.TotalMilliseconds);
                throw;
            }
        }
        using (child)
        {
            try
            {
                await WaitForHandoffRangeAsync(ranges, child, timeout, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is PidGuardException or OperationCanceledException)
            {
                await AbortByRangesAsync(ranges, child).ConfigureAwait(false);
                throw;
            }
            // The child holds the Handoff range: acquirers stop there, so letting go of the Name range
            // (which the child takes next) leaves no moment in which the name is free.
            lock (_sync)
            {
                ThrowIfNotWriter();
                Ownership = LockOwnership.Handoff;
                TryUnlockUnshared();
                CloseDescriptors();
            }
            int remaining = deadline == long.MaxValue ? Timeout.Infinite : (int)Math.Max(0, deadline - Environment.TickCount64);
            int owner;
            try
            {
                owner = await WaitForAdoptionAsync(child, TimeSpan.FromMilliseconds(remaining == Timeout.Infinite ? -1 : remaining), ct).ConfigureAwait(false);
            }
            catch (PidGuardException e)
            {
                throw new PidGuardException($"{e.Message} It had taken over the lock of '{Name}', which this process no longer holds.", Paths.LockFile, e);
            }
            if (_options.Logger is { } log)
                Log.HandedOff(log, Name, owner);
            return new HandOffResult(child.Id, owner);
        }
    }

    /// <summary>Waits until the child (or a descendant) holds the Handoff range; throws when it exits first or the time is up.</summary>
    private Task WaitForHandoffRangeAsync(IRangeHandoff ranges, DaemonProcess child, TimeSpan timeout, CancellationToken ct)
    {
        var fd = _fd!;
        return WaitForChildAsync(child, () => ranges.IsHandoffTaken(fd, Paths.LockFile), timeout, ct);
    }

    /// <summary>Stops the child (TERM, then KILL) and takes the Handoff range back, so this process is again the lock's only holder.</summary>
    private async Task AbortByRangesAsync(IRangeHandoff ranges, DaemonProcess child)
    {
        if (!child.HasExited)
        {
            child.Signal(_platform.Signals.Term);
            if (await Task.WhenAny(child.Exited, Task.Delay(AbortGrace)).ConfigureAwait(false) != child.Exited)
            {
                child.Signal(_platform.Signals.Kill);
                await child.Exited.ConfigureAwait(false);
            }
        }
        child.Reap();
        lock (_sync)
        {
            if (_fd is not null && !ranges.TakeBackHandoff(_fd, Paths.LockFile, (int)AbortGrace.TotalMilliseconds))
            {
                throw new PidGuardException($"The handoff of '{Name}' failed and another process, started by the child (PID {child.Id}), keeps the lock's handoff range; "
                    + "this process still holds the name, which that process takes over once this one lets go.", Paths.LockFile);
            }
        }
    }
}
