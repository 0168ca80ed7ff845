using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>Taking the lock: the acquire family and what a loser reports.</summary>
public sealed partial class InstanceLock
{
    /// <summary>
    /// Takes the lock for <paramref name="name"/>, waiting up to <paramref name="timeout"/> (zero, the
    /// default: one attempt; <see cref="Timeout.InfiniteTimeSpan"/>: until it is free or
    /// <paramref name="cancellationToken"/> fires). When another process holds it, throws
    /// <see cref="AlreadyRunningException"/> (<c>Daemon already running (PID: N)</c>, the owner in
    /// <see cref="AlreadyRunningException.OwnerPid"/>). Stale files of a crashed holder are recovered.
    /// </summary>
    public static InstanceLock Acquire(string name, PidGuardOptions? options = null, TimeSpan timeout = default, CancellationToken cancellationToken = default)
    {
        var attempt = Wait(name, options, timeout, cancellationToken);
        return attempt.Lock ?? throw attempt.Conflict();
    }

    /// <summary>
    /// <see cref="Acquire"/>, but returns null instead of throwing when another process holds the lock
    /// (so <c>using var held = InstanceLock.TryAcquire(name);</c> works). Who holds it:
    /// <see cref="DaemonProbe.GetStatus(string, PidGuardOptions?)"/>.
    /// </summary>
    public static InstanceLock? TryAcquire(string name, PidGuardOptions? options = null, TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        Wait(name, options, timeout, cancellationToken).Lock;

    /// <summary><see cref="Acquire"/>, waiting asynchronously.</summary>
    public static async ValueTask<InstanceLock> AcquireAsync(string name, PidGuardOptions? options = null, TimeSpan timeout = default, CancellationToken cancellationToken = default)
    {
        var attempt = await WaitAsync(name, options, timeout, cancellationToken).ConfigureAwait(false);
        return attempt.Lock ?? throw attempt.Conflict();
    }

    /// <summary><see cref="TryAcquire"/>, waiting asynchronously.</summary>
    public static async ValueTask<InstanceLock?> TryAcquireAsync(string name, PidGuardOptions? options = null, TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        (await WaitAsync(name, options, timeout, cancellationToken).ConfigureAwait(false)).Lock;

    /// <summary>One acquire: the lock, or who holds it.</summary>
    private readonly record struct Attempt(InstanceLock? Lock, int? Owner, string? Detail, DaemonPaths Paths)
    {
        public AlreadyRunningException Conflict() => new(Paths.Name, Owner, Paths.LockFile, Detail);
    }

    private static Attempt Wait(string name, PidGuardOptions? options, TimeSpan timeout, CancellationToken ct)
    {
        options ??= new PidGuardOptions();
        int timeoutMs = Milliseconds(CheckTimeout(timeout));
        if (timeoutMs == 0)
            return TryAcquireCore(name, options, Platforms.Current);
        var quick = Quick(options);
        Attempt attempt = default;
        if (Backoff.WaitUntil(() => (attempt = TryAcquireCore(name, quick, Platforms.Current)).Lock is not null, timeoutMs, ct: ct))
            return attempt;
        return TryAcquireCore(name, options, Platforms.Current); // the last try gets the owner window, to name the owner
    }

    private static async ValueTask<Attempt> WaitAsync(string name, PidGuardOptions? options, TimeSpan timeout, CancellationToken ct)
    {
        options ??= new PidGuardOptions();
        int timeoutMs = Milliseconds(CheckTimeout(timeout));
        if (timeoutMs == 0)
            return TryAcquireCore(name, options, Platforms.Current);
        var quick = Quick(options);
        Attempt attempt = default;
        if (await Backoff.WaitUntilAsync(() => (attempt = TryAcquireCore(name, quick, Platforms.Current)).Lock is not null, timeoutMs, ct).ConfigureAwait(false))
            return attempt;
        return TryAcquireCore(name, options, Platforms.Current);
    }

    /// <summary>While waiting, each attempt skips the owner window: the next attempt comes soon anyway.</summary>
    private static PidGuardOptions Quick(PidGuardOptions options)
    {
        var quick = options.Clone();
        quick.OwnerWaitWindow = TimeSpan.Zero;
        return quick;
    }

    private static TimeSpan CheckTimeout(TimeSpan timeout) =>
        timeout >= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan
            ? timeout
            : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A timeout is zero or more, or Timeout.InfiniteTimeSpan.");

    private static Attempt TryAcquireCore(string name, PidGuardOptions options, IPlatform p)
    {
        DaemonName.Validate(name);
        string dir = PidGuard.RuntimeDirectory.Ensure(PidGuard.RuntimeDirectory.Resolve(options.RuntimeDirectory, p), p, options.Logger);
        var paths = DaemonPaths.For(name, dir);
        var state = NewState(p, name, options);
        if (state.CommandLine?.Sum(a => (long)a.Length) * 6 > StateFile.MaxLength)
            StateFile.Serialize(state, paths.StateFile); // a record too large to write is refused before anything is locked
        Attempt result = default;
        Backoff.WaitUntil(() =>
        {
            bool lockFileExisted = p.LStat(paths.LockFile) is not null;
            var fd = LockFile.TryLockExclusive(p, paths.LockFile, out var lockFile);
            if (fd is not null && Refuse(p, paths, fd, lockFileExisted) is { } refused)
            {
                result = refused;
                return true;
            }
            if (fd is not null)
            {
                var won = new InstanceLock(p, paths, fd, lockFile, LockOwnership.WriteOwner, options, state);
                won.WriteFilesOrRelease(recoverStale: true);
                if (options.Logger is { } log)
                    Log.Acquired(log, name, won.ProcessId, paths.LockFile);
                result = new Attempt(won, null, null, paths);
                return true;
            }
            // Race: the holder may be between lock and write, or a status probe may hold a shared lock
            // for a few microseconds. A proven owner is reported at once (a starting one once its program
            // runs, within the window); otherwise retry both.
            var owner = OwnerInfo.Read(p, paths);
            result = new Attempt(null, owner.ActionablePid, Describe(owner), paths);
            return owner.ActionablePid is not null && !owner.IsStarting;
        }, (int)options.OwnerWaitWindow.TotalMilliseconds);
        if (result.Lock is null && result.Owner is null)
            result = LastResortOwner(p, paths, result);
        return result;
    }

    /// <summary>
    /// The flock is won, but a predecessor may still run without it, or the files at the paths may be
    /// another program's (<see cref="Predecessor"/>): then the lock is dropped again and nothing is written.
    /// </summary>
    private static Attempt? Refuse(IPlatform p, DaemonPaths paths, SafeHandle fd, bool lockFileExisted)
    {
        Predecessor.Refusal? refusal;
        try
        {
            refusal = Predecessor.Check(p, paths, lockFileExisted);
        }
        catch
        {
            fd.Dispose();
            throw;
        }
        if (refusal is not { } r)
            return null;
        try
        {
            p.UnlockUnshared(fd, paths.LockFile);
        }
        catch (PidGuardException)
        {
            // closing drops it too
        }
        fd.Dispose();
        return r.IsConflict ? new Attempt(null, r.OwnerPid, r.Detail, paths) : throw new PidGuardException($"Cannot start '{paths.Name}': {r.Detail}", paths.StateFile);
    }

    private static string? Describe(OwnerInfo owner) => owner switch
    {
        { MainAlive: true } => null,
        { SupervisorAlive: true } => $"its supervisor (PID {owner.Record!.Supervisor!.Pid}) holds it while the program is {owner.Record.Phase ?? "between runs"}",
        _ => null,
    };

    /// <summary>
    /// No process of the holder is proven by the files: name a process the kernel shows holding the
    /// lock (a leftover of a daemon whose main process is gone), so the user has a PID to act on.
    /// </summary>
    private static Attempt LastResortOwner(IPlatform p, DaemonPaths paths, Attempt lost)
    {
        if (p.LStat(paths.LockFile) is not { } lockFile)
            return lost;
        var holders = LeftoverProcesses.OtherHolders(p, lockFile, main: 0);
        if (holders.Count == 0)
            return lost;
        holders.Sort();
        return lost with
        {
            Owner = holders[0],
            Detail = $"its main process is gone but PID {string.Join(", ", holders)} still hold{(holders.Count == 1 ? "s" : "")} the lock ('pidguard stop {paths.Name}' ends {(holders.Count == 1 ? "it" : "them")})",
        };
    }
}
