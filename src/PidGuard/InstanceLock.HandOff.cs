using System.Globalization;
using Microsoft.Extensions.Logging;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>Handing the lock to a detached child that adopts it.</summary>
public sealed partial class InstanceLock
{
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Starts <paramref name="startInfo"/> with the locked descriptor at descriptor 3 (and
    /// <c>PIDGUARD_LOCK_FD=3</c>, <c>PIDGUARD_NAME</c> and <c>PIDGUARD_RUNTIME_DIR</c> in its environment),
    /// waits until the child — or a descendant — has adopted the lock (<see cref="Adopt"/>) and written
    /// its files, then closes this process's descriptor WITHOUT unlocking
    /// (<see cref="LockOwnership.Handoff"/>): the lock is never free in between. If the child exits
    /// first or <paramref name="timeout"/> passes, the child and whatever it started holding the lock
    /// are stopped (TERM, then KILL), a <see cref="PidGuardException"/> is thrown, and this process
    /// keeps the lock as <see cref="LockOwnership.WriteOwner"/>, its only holder again.
    /// </summary>
    public async Task<HandOffResult> HandOffAsync(DaemonStartInfo startInfo, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        var request = startInfo.ToSpawnRequest(_platform);
        var environment = request.Environment
            .Where(e => !e.StartsWith(LockFdEnvironmentVariable + "=", StringComparison.Ordinal)
                && !e.StartsWith(NameEnvironmentVariable + "=", StringComparison.Ordinal)
                && !e.StartsWith(PidGuard.RuntimeDirectory.EnvironmentVariable + "=", StringComparison.Ordinal))
            .Append($"{LockFdEnvironmentVariable}={SpawnRequest.LockDescriptor.ToString(CultureInfo.InvariantCulture)}")
            .Append($"{NameEnvironmentVariable}={Name}")
            .Append($"{PidGuard.RuntimeDirectory.EnvironmentVariable}={Paths.Directory}")
            .ToList();
        using var child = StartSharing(request with { Environment = environment });
        int owner;
        try
        {
            owner = await WaitForAdoptionAsync(child, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PidGuardException or OperationCanceledException)
        {
            await AbortAsync(child).ConfigureAwait(false);
            throw;
        }
        HandOff();
        if (_options.Logger is { } log)
            Log.HandedOff(log, Name, owner);
        return new HandOffResult(child.Id, owner);
    }

    private async Task<int> WaitForAdoptionAsync(DaemonProcess child, TimeSpan timeout, CancellationToken ct)
    {
        int self = _platform.CurrentProcessId;
        long exitedAt = 0;
        int? owner = null;
        bool adopted = await Backoff.WaitUntilAsync(() =>
        {
            if (OwnerInfo.Read(_platform, Paths).ActionablePid is { } pid && pid != self)
            {
                owner = pid;
                return true;
            }
            if (child.HasExited)
            {
                // Race: a double-forking child exits just after its descendant adopted: one short grace.
                if (exitedAt == 0)
                    exitedAt = Environment.TickCount64;
                else if (Environment.TickCount64 - exitedAt > 200)
                    throw new PidGuardException($"The child (PID {child.Id}) of '{Name}' exited ({DescribeExit(child.Exited.Result)}) before it adopted the lock.", Paths.LockFile);
            }
            return false;
        }, Milliseconds(timeout), ct).ConfigureAwait(false);
        return adopted
            ? owner!.Value
            : throw new PidGuardException($"The child (PID {child.Id}) of '{Name}' did not adopt the lock within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.", Paths.LockFile);
    }

    private static string DescribeExit(ExitRecord exit) => exit.Signal is { } s ? $"killed by signal {s}" : $"code {exit.Code}";

    /// <summary>
    /// A handoff failed: stop the child (TERM, then KILL), then whatever it left holding the lock,
    /// so this process is again the lock's only holder. Nothing is left running unseen.
    /// </summary>
    private async Task AbortAsync(DaemonProcess child)
    {
        if (!child.HasExited)
        {
            child.Signal(_platform.Signals.Term);
            if (await Task.WhenAny(child.Exited, Task.Delay(AbortGrace)).ConfigureAwait(false) != child.Exited)
            {
                child.SignalProcessGroup(_platform.Signals.Kill);
                child.Signal(_platform.Signals.Kill);
                await child.Exited.ConfigureAwait(false);
            }
        }
        await LeftoverProcesses.EndAsync(_platform, child, _lockFile, AbortGrace).ConfigureAwait(false);
        child.Reap();
    }

    /// <summary>
    /// Marks the lock as handed off and closes this process's descriptor without <c>LOCK_UN</c>
    /// (which would release the adopter's lock too) and without touching the files, which now
    /// belong to the adopter. Only ever called once the adoption was seen.
    /// </summary>
    private void HandOff()
    {
        lock (_sync)
        {
            ThrowIfNotWriter();
            Ownership = LockOwnership.Handoff;
            CloseDescriptors();
        }
    }

    /// <summary>A timeout as milliseconds for the polling helper: infinite stays infinite, anything else is clamped.</summary>
    private static int Milliseconds(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
}
