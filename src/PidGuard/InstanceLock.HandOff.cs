using System.Globalization;
using Microsoft.Extensions.Logging;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>Handing the lock to a detached child that adopts it.</summary>
public sealed partial class InstanceLock
{
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Hands the lock to a detached child that adopts it (<see cref="Adopt"/>), so that the name is never
    /// free in between. On Linux and macOS the child gets the locked descriptor at descriptor 3 (and
    /// <c>PIDGUARD_LOCK_FD=3</c>, <c>PIDGUARD_NAME</c> and <c>PIDGUARD_RUNTIME_DIR</c> in its environment);
    /// once the child — or a descendant — has adopted the lock and written its files, this process closes
    /// its descriptor WITHOUT unlocking (<see cref="LockOwnership.Handoff"/>). If the child exits first or
    /// <paramref name="timeout"/> passes, the child and whatever it started holding the lock are stopped
    /// (TERM, then KILL), a <see cref="PidGuardException"/> is thrown, and this process keeps the lock as
    /// <see cref="LockOwnership.WriteOwner"/>, its only holder again. On Windows, where a lock cannot be
    /// inherited, the child gets <c>PIDGUARD_HANDOFF</c> instead and the lock's two ranges pass one at a
    /// time: the same guarantees hold until the child has taken the first range; after that this process
    /// lets go of the name, and a child that dies before it wrote its files leaves the name free.
    /// </summary>
    public async Task<HandOffResult> HandOffAsync(DaemonStartInfo startInfo, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        var request = startInfo.ToSpawnRequest(_platform);
        string handoff = _platform is IRangeHandoff
            ? $"{HandoffEnvironmentVariable}={_platform.CurrentProcessId.ToString(CultureInfo.InvariantCulture)}"
            : $"{LockFdEnvironmentVariable}={SpawnRequest.LockDescriptor.ToString(CultureInfo.InvariantCulture)}";
        string handingOff = $"{HandingOffPidEnvironmentVariable}={_platform.CurrentProcessId.ToString(CultureInfo.InvariantCulture)}";
        var environment = request.Environment
            .Where(e => !e.StartsWith(LockFdEnvironmentVariable + "=", StringComparison.Ordinal)
                && !e.StartsWith(HandoffEnvironmentVariable + "=", StringComparison.Ordinal)
                && !e.StartsWith(HandingOffPidEnvironmentVariable + "=", StringComparison.Ordinal)
                && !e.StartsWith(NameEnvironmentVariable + "=", StringComparison.Ordinal)
                && !e.StartsWith(PidGuard.RuntimeDirectory.EnvironmentVariable + "=", StringComparison.Ordinal))
            .Append(handoff)
            .Append(handingOff)
            .Append($"{NameEnvironmentVariable}={Name}")
            .Append($"{PidGuard.RuntimeDirectory.EnvironmentVariable}={Paths.Directory}")
            .ToList();
        if (_platform is IRangeHandoff ranges)
            return await HandOffByRangesAsync(ranges, request with { Environment = environment }, timeout, cancellationToken).ConfigureAwait(false);
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
        int? owner = null;
        await WaitForChildAsync(child, () =>
        {
            if (OwnerInfo.Read(_platform, Paths).ActionablePid is { } pid && pid != self)
                owner = pid;
            else if (child.HasExited)
                owner = EndedAdopter(self, child.Id);
            return owner is not null;
        }, timeout, ct).ConfigureAwait(false);
        return owner!.Value;
    }

    /// <summary>
    /// Race: the adopter did its whole life between two polls (a supervisor whose program exited at once
    /// records the exit and releases): no process is left to prove, but the state file this process
    /// wrote was replaced or removed, which only the adopter — a holder of this lock — does (a file removed
    /// by hand in that moment is taken for the same: the child has ended either way, and nothing runs unseen).
    /// Its PID (the writer of the file, else the child), or null when the file is still this process's own.
    /// </summary>
    private int? EndedAdopter(int self, int child)
    {
        FileStatus? written;
        lock (_sync)
            written = _stateFileWritten;
        var now = _platform.LStat(Paths.StateFile);
        var record = now is null ? null : StateFile.Read(Paths.StateFile, _platform, out _);
        int? writer = record is null ? null : record.Supervisor?.Pid ?? record.Pid;
        if (writer == self)
            return null; // ours, whatever its inode (this process may rewrite it: a heartbeat)
        if (now is { } file && written is { } ours && file.SameFileAs(ours) && writer is null)
            return null; // still the file this process wrote, unreadable
        return writer ?? child;
    }

    /// <summary>
    /// Waits until <paramref name="adopted"/> says the child (or a descendant) took the lock; throws when the
    /// child exits first or the time is up.
    /// </summary>
    private async Task WaitForChildAsync(DaemonProcess child, Func<bool> adopted, TimeSpan timeout, CancellationToken ct)
    {
        long exitedAt = 0;
        bool taken = await Backoff.WaitUntilAsync(() =>
        {
            if (adopted())
                return true;
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
        if (!taken)
            throw new PidGuardException($"The child (PID {child.Id}) of '{Name}' did not adopt the lock within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.", Paths.LockFile);
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
