using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>Starting processes that share the lock, handing it off, and recording the program a supervisor runs.</summary>
public sealed partial class InstanceLock
{
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Starts <paramref name="startInfo"/> with the locked descriptor inherited (at descriptor 3, its
    /// number in <c>PIDGUARD_LOCK_FD</c>, with <c>PIDGUARD_NAME</c> and <c>PIDGUARD_RUNTIME_DIR</c>),
    /// waits until the child (or a descendant) has adopted the lock and written its PID, then closes
    /// this process's descriptor WITHOUT unlocking (<see cref="LockOwnership.Handoff"/>). Returns the
    /// new owner's PID. Only descriptors 0-2 and the lock reach the child. If the child exits or the
    /// timeout passes first, the child and whatever it started holding the lock are stopped (TERM,
    /// then KILL), a <see cref="PidGuardException"/> is thrown, and this process keeps the lock as
    /// <see cref="LockOwnership.WriteOwner"/> with nothing else holding it.
    /// </summary>
    /// <remarks><paramref name="startInfo"/> must use <c>ArgumentList</c>, no shell execution and no stream redirection.</remarks>
    public Task<int> HandOffAsync(ProcessStartInfo startInfo, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        if (startInfo.UseShellExecute || startInfo.RedirectStandardInput || startInfo.RedirectStandardOutput || startInfo.RedirectStandardError)
            throw new ArgumentException("HandOffAsync starts the child with posix_spawn: UseShellExecute and stream redirection are not supported.", nameof(startInfo));
        if (!string.IsNullOrEmpty(startInfo.Arguments))
            throw new ArgumentException("Give the child's arguments in ProcessStartInfo.ArgumentList, not as one Arguments string.", nameof(startInfo));
        var request = new SpawnRequest
        {
            Program = startInfo.FileName,
            Arguments = [startInfo.FileName, .. startInfo.ArgumentList],
            Environment = startInfo.Environment.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key}={kv.Value}").ToList(),
            WorkingDirectory = string.IsNullOrEmpty(startInfo.WorkingDirectory) ? null : startInfo.WorkingDirectory,
        };
        return HandOffOwnerAsync(request, timeout, cancellationToken);
    }

    private async Task<int> HandOffOwnerAsync(SpawnRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await HandOffAsync(request, timeout, cancellationToken).ConfigureAwait(false)).Owner;

    /// <summary>The handoff; returns the new owner (the adopter, or the program it already recorded) and the child started.</summary>
    internal async Task<(int Owner, int Child)> HandOffAsync(SpawnRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        DaemonProcess child;
        lock (_sync)
        {
            ThrowIfNotWriter();
            var environment = request.Environment
                .Where(e => !e.StartsWith(LockFdEnvironmentVariable + "=", StringComparison.Ordinal)
                    && !e.StartsWith(NameEnvironmentVariable + "=", StringComparison.Ordinal)
                    && !e.StartsWith(PidGuard.RuntimeDirectory.EnvironmentVariable + "=", StringComparison.Ordinal))
                .Append($"{LockFdEnvironmentVariable}={SpawnRequest.LockDescriptor.ToString(CultureInfo.InvariantCulture)}")
                .Append($"{NameEnvironmentVariable}={Name}")
                .Append($"{PidGuard.RuntimeDirectory.EnvironmentVariable}={Paths.Directory}")
                .ToList();
            child = StartLocked(request with { Environment = environment });
        }
        using (child)
        {
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
            return (owner, child.Id);
        }
    }

    /// <summary>
    /// Starts a program that shares the lock (at descriptor 3, not advertised): while it or anything
    /// that inherited the descriptor lives, the name stays held, even if this process is SIGKILLed.
    /// Nothing else of this process reaches it but descriptors 0-2.
    /// </summary>
    internal DaemonProcess StartProcess(SpawnRequest request)
    {
        lock (_sync)
        {
            ThrowIfNotWriter();
            return StartLocked(request);
        }
    }

    private DaemonProcess StartLocked(SpawnRequest request)
    {
        _shared = true;
        return DaemonProcess.Start(_platform, Sharing(request));
    }

    private SpawnRequest Sharing(SpawnRequest request) => request with { Lock = _fd };

    /// <summary>
    /// A supervisor records the program it started as the daemon's main process: the state file
    /// names it (with its start-time token), then the pid file does.
    /// </summary>
    internal void RecordMainProcess(DaemonProcess program)
    {
        lock (_sync)
        {
            ThrowIfNotWriter();
            var next = _state.Clone();
            next.Pid = program.Id;
            next.StartToken = program.StartToken;
            next.StartedAt = DateTimeOffset.UtcNow;
            next.Phase = SupervisorPhase.Running;
            next.NextRestartAt = null;
            next.Ready = null;
            CommitState(next);
            try
            {
                WritePidFile(program.Id);
            }
            catch (Exception e)
            {
                if (WithContext(e, $"Cannot write the pid file of '{Name}'") is { } wrapped)
                    throw wrapped;
                throw;
            }
        }
    }

    /// <summary>
    /// A supervisor records that its program ended: the pid file is removed (it would name a dead,
    /// reusable PID), and the state names the supervisor again with the exit and the next phase.
    /// The state is changed in memory even when the file cannot be written (then this throws).
    /// </summary>
    internal void RecordMainExit(ExitRecord exit, string phase, DateTimeOffset? nextRestartAt)
    {
        lock (_sync)
        {
            ThrowIfNotWriter();
            var supervisor = _state.Supervisor ?? throw new InvalidOperationException("Only a supervisor records its program's exit.");
            IOException? notRemoved = null;
            try
            {
                RemoveIfOurs(Paths.PidFile, _pidFileWritten);
            }
            catch (IOException e)
            {
                notRemoved = e; // the state is still worth recording
            }
            finally
            {
                _pidFileWritten = null;
            }
            var next = _state.Clone();
            next.Pid = supervisor.Pid;
            next.StartToken = supervisor.StartToken;
            next.Phase = phase;
            next.LastExit = exit;
            next.NextRestartAt = nextRestartAt;
            next.Ready = null;
            _state = next;
            try
            {
                WriteState();
            }
            catch (Exception e)
            {
                if (WithContext(e, $"Cannot write the state file of '{Name}'") is { } wrapped)
                    throw wrapped;
                throw;
            }
            if (notRemoved is not null)
                throw WithContext(notRemoved, $"Cannot remove the pid file of '{Name}'") ?? notRemoved;
        }
    }

    private async Task<int> WaitForAdoptionAsync(DaemonProcess child, TimeSpan timeout, CancellationToken ct)
    {
        int self = _platform.CurrentProcessId;
        long exitedAt = 0;
        int? owner = null;
        int timeoutMs = timeout == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
        bool adopted = await Backoff.WaitUntilAsync(() =>
        {
            if (OwnerInfo.Read(_platform, Paths).ActionablePid is { } pid && pid != self)
            {
                owner = pid;
                return true;
            }
            if (child.HasExited)
            {
                // A double-forking child may exit just after its descendant adopted: one short grace.
                if (exitedAt == 0)
                    exitedAt = Environment.TickCount64;
                else if (Environment.TickCount64 - exitedAt > 200)
                    throw new PidGuardException($"The child (PID {child.Id}) of '{Name}' exited ({DescribeExit(child.Exited.Result)}) before it adopted the lock.", Paths.LockFile);
            }
            return false;
        }, timeoutMs, ct).ConfigureAwait(false);
        return adopted
            ? owner!.Value
            : throw new PidGuardException($"The child (PID {child.Id}) of '{Name}' did not adopt the lock within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.", Paths.LockFile);
    }

    private static string DescribeExit(ExitRecord exit) => exit.Signal is { } s ? $"killed by signal {s}" : $"code {exit.Code}";

    /// <summary>
    /// A handoff failed: stop the child (TERM, then KILL), then whatever it left holding the lock,
    /// so this process is again the lock's only holder.
    /// </summary>
    private async Task AbortAsync(DaemonProcess child)
    {
        var signals = _platform.Signals;
        if (!child.HasExited)
        {
            child.Signal(signals.Term);
            if (await Task.WhenAny(child.Exited, Task.Delay(AbortGrace)).ConfigureAwait(false) != child.Exited)
            {
                child.SignalProcessGroup(signals.Kill);
                child.Signal(signals.Kill);
                await child.Exited.ConfigureAwait(false);
            }
        }
        await LeftoverProcesses.EndAsync(_platform, child, _lockFile, AbortGrace).ConfigureAwait(false);
        child.Reap();
    }

    /// <summary>
    /// Marks the lock as handed off to a process that inherited the descriptor and closes this
    /// process's descriptor without <c>LOCK_UN</c> (which would release the child's lock too)
    /// and without touching the pid or state files, which now belong to the adopter.
    /// </summary>
    private void HandOff()
    {
        lock (_sync)
        {
            ThrowIfNotWriter();
            Ownership = LockOwnership.Handoff;
            _fd!.Dispose();
            _fd = null;
        }
    }
}
