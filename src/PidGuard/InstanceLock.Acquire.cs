using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using PidGuard.Platform;

namespace PidGuard;

/// <summary>Taking the lock: the acquire family and what a loser reports.</summary>
public sealed partial class InstanceLock
{
    /// <summary>
    /// Takes the lock for <paramref name="name"/>, or throws <see cref="AlreadyRunningException"/>
    /// (message <c>Daemon already running (PID: N)</c>) when another process holds it.
    /// Stale files left by a crashed holder are recovered with a warning.
    /// </summary>
    public static InstanceLock Acquire(string name, PidGuardOptions? options = null)
    {
        var attempt = TryAcquireCore(name, options, Platforms.Current);
        return attempt.Lock ?? throw attempt.Conflict();
    }

    /// <summary>Takes the lock if it is free; otherwise returns false with the owner's PID when known.</summary>
    public static bool TryAcquire(string name, [NotNullWhen(true)] out InstanceLock? instanceLock, out int? ownerPid, PidGuardOptions? options = null)
    {
        var attempt = TryAcquireCore(name, options, Platforms.Current);
        instanceLock = attempt.Lock;
        ownerPid = attempt.Owner;
        return instanceLock is not null;
    }

    /// <summary>Takes the lock if it is free; otherwise returns false.</summary>
    public static bool TryAcquire(string name, [NotNullWhen(true)] out InstanceLock? instanceLock, PidGuardOptions? options = null) =>
        TryAcquire(name, out instanceLock, out _, options);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for the lock, retrying with jittered backoff (1 ms
    /// doubling to 50 ms), then throws <see cref="AlreadyRunningException"/>. <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    public static async Task<InstanceLock> AcquireAsync(string name, TimeSpan timeout, PidGuardOptions? options = null, CancellationToken cancellationToken = default)
    {
        var p = Platforms.Current;
        options ??= new PidGuardOptions();
        var quick = options.Clone();
        quick.OwnerWaitWindow = TimeSpan.Zero;
        Attempt attempt = default;
        int timeoutMs = timeout == Timeout.InfiniteTimeSpan ? Timeout.Infinite : (int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue);
        bool won = await Backoff.WaitUntilAsync(() => (attempt = TryAcquireCore(name, quick, p)).Lock is not null, timeoutMs, cancellationToken).ConfigureAwait(false);
        if (won)
            return attempt.Lock!;
        // The last try gets the owner window, so the conflict names the owner when it can.
        attempt = TryAcquireCore(name, options, p);
        return attempt.Lock ?? throw attempt.Conflict();
    }

    /// <summary>One acquire: the lock, or who holds it.</summary>
    private readonly record struct Attempt(InstanceLock? Lock, int? Owner, string? Detail, DaemonPaths Paths)
    {
        public AlreadyRunningException Conflict() => new(Paths.Name, Owner, Paths.LockFile, Detail);
    }

    private static Attempt TryAcquireCore(string name, PidGuardOptions? options, IPlatform p)
    {
        options ??= new PidGuardOptions();
        DaemonName.Validate(name);
        string dir = PidGuard.RuntimeDirectory.Ensure(PidGuard.RuntimeDirectory.Resolve(options.RuntimeDirectory, p), p, options.Logger);
        var paths = DaemonPaths.For(name, dir);
        var state = NewState(p, name, options);
        if (state.CommandLine?.Sum(a => (long)a.Length) * 6 > StateFile.MaxLength)
            StateFile.Serialize(state, paths.StateFile); // a record too large to write is refused before anything is locked
        Attempt result = default;
        Backoff.WaitUntil(() =>
        {
            var fd = LockFile.TryLockExclusive(p, paths.LockFile, out var lockFile);
            if (fd is not null)
            {
                var won = new InstanceLock(p, paths, fd, lockFile, LockOwnership.WriteOwner, options, state);
                won.WriteFilesOrRelease(recoverStale: true);
                if (options.Logger is { } log)
                    Log.Acquired(log, name, won.ProcessId, paths.LockFile);
                result = new Attempt(won, null, null, paths);
                return true;
            }
            // Held. A proven owner is reported at once; otherwise the holder may be between lock and
            // write, or a status probe may hold a shared lock for a few microseconds: retry both.
            var owner = OwnerInfo.Read(p, paths);
            result = new Attempt(null, owner.ActionablePid, Describe(owner), paths);
            return owner.ActionablePid is not null;
        }, (int)options.OwnerWaitWindow.TotalMilliseconds);
        if (result.Lock is null && result.Owner is null)
            result = LastResortOwner(p, paths, result);
        return result;
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
