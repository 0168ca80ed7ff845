using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PidGuard.Hosting;

/// <summary>
/// Registered as the first hosted service: takes the instance lock in <see cref="StartingAsync"/>,
/// before any other service starts (or earlier, in <see cref="PidGuardHostExtensions.RunAsDaemonAsync"/>),
/// and releases it in <see cref="StoppedAsync"/>, after every service has stopped. Keeps the
/// heartbeat, reports readiness and turns SIGHUP into a reload. Wider scopes (<see cref="IDaemonScope"/>,
/// a cluster lease) are taken right after the lock and released right before it.
/// </summary>
internal sealed partial class PidGuardDaemonService : IHostedLifecycleService, IPidGuardDaemon, IDisposable
{
    private readonly PidGuardHostOptions _options;
    private readonly ILogger<PidGuardDaemonService> _logger;
    private readonly IDaemonNotifier _notifier;
    private readonly IConfiguration? _configuration;
    private readonly IHostLifetime? _lifetime;
    private readonly IHostApplicationLifetime? _application;
    private readonly IDaemonScope[] _scopes;
    private readonly List<IDaemonScope> _heldScopes = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _acquiring = new(1, 1);
    private PosixSignalRegistration? _hangup;
    private Task? _heartbeatLoop;
    private bool _acquired;
    private bool _readySent;
    private int _started;        // 1 once every hosted service has started
    private int _pendingReload;  // a SIGHUP arrived before that: raise Reloading when started
    private string? _status;

    public PidGuardDaemonService(IOptions<PidGuardHostOptions> options, ILogger<PidGuardDaemonService> logger, IDaemonNotifier notifier,
        IConfiguration? configuration = null, IHostLifetime? lifetime = null, IHostApplicationLifetime? application = null, IEnumerable<IDaemonScope>? scopes = null)
    {
        _options = options.Value;
        _logger = logger;
        _notifier = notifier;
        _configuration = configuration;
        _lifetime = lifetime;
        _application = application;
        _scopes = scopes?.ToArray() ?? [];
        DaemonName.Validate(_options.Name);
    }

    public string Name => _options.Name;

    public InstanceLock? Lock { get; private set; }

    public bool IsSupervised { get; private set; }

    public CancellationToken PidFileLost => Lock?.PidFileLost ?? CancellationToken.None;

    public event EventHandler? Reloading;

    public event EventHandler<ScopeLostEventArgs>? ScopeLost;

    public Task StartingAsync(CancellationToken cancellationToken) => AcquireAsync(cancellationToken);

    /// <summary>
    /// Takes the lock (once): adopts an inherited one, checks that a supervisor holds it for this
    /// process, or acquires it. A conflict or an unusable runtime directory is logged here, once,
    /// without a stack trace, and thrown.
    /// </summary>
    internal async Task AcquireAsync(CancellationToken cancellationToken)
    {
        await _acquiring.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_acquired)
                return;
            // Before the pid file exists: a HUP sent the moment the daemon is findable must not kill it.
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
            {
                ctx.Cancel = true; // SIGHUP means reload, not terminate
                OnHangup();
            });
            var options = new PidGuardOptions
            {
                RuntimeDirectory = _options.RuntimeDirectory,
                Logger = _logger,
                SyncWrites = _options.SyncWrites,
                HeartbeatInterval = _options.HeartbeatInterval > TimeSpan.Zero ? _options.HeartbeatInterval : null,
            };
            IsSupervised = Environment.GetEnvironmentVariable(InstanceLock.SupervisorPidEnvironmentVariable) is { Length: > 0 };
            try
            {
                if (IsSupervised)
                    VerifySupervisorHoldsTheLock(options);
                else if (InstanceLock.HasInheritedLock)
                    Lock = InstanceLock.Adopt(Name, options);
                else
                    Lock = await InstanceLock.AcquireAsync(Name, options, _options.AcquireTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (AlreadyRunningException e)
            {
                LogAlreadyRunning(_logger, e.Message);
                throw;
            }
            catch (PidGuardException e)
            {
                LogCannotRun(_logger, Name, e.Message);
                throw;
            }
            await AcquireScopesAsync(cancellationToken).ConfigureAwait(false);
            _acquired = true;
            if (IsSupervised && _options.HeartbeatInterval > TimeSpan.Zero)
                _notifier.Notify($"WATCHDOG_USEC={(long)_options.HeartbeatInterval.TotalMicroseconds}");
            LogStarted(_logger, Name, Environment.ProcessId, IsSupervised ? "supervised by pidguard" : Lock!.Ownership.ToString());
        }
        finally
        {
            _acquiring.Release();
        }
    }

    /// <summary>Takes every scope in turn; if one cannot be taken, lets go of what was taken (the lock too) and throws.</summary>
    private async Task AcquireScopesAsync(CancellationToken cancellationToken)
    {
        foreach (var scope in _scopes)
        {
            try
            {
                await scope.AcquireAsync(Name, _options.AcquireTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is PidGuardException or OperationCanceledException)
            {
                if (e is AlreadyRunningException)
                    LogAlreadyRunning(_logger, e.Message);
                else if (e is PidGuardException)
                    LogCannotRun(_logger, Name, e.Message);
                await ReleaseScopesAsync().ConfigureAwait(false);
                Release();
                throw;
            }
            _heldScopes.Add(scope);
            LogScopeTaken(_logger, Name, scope.Description);
            scope.Lost.Register(() => OnScopeLost(scope));
            scope.StopRequested.Register(() => OnScopeStopRequested(scope));
        }
    }

    private void OnScopeLost(IDaemonScope scope)
    {
        LogScopeLost(_logger, Name, scope.Description, scope.LostReason ?? "unknown", (long)scope.StopWithin.TotalMilliseconds);
        try
        {
            ScopeLost?.Invoke(this, new ScopeLostEventArgs(scope, scope.LostReason));
        }
        catch (Exception e)
        {
            LogScopeHandlerFailed(_logger, e);
        }
        Environment.ExitCode = DaemonExitCodes.ScopeLost;
        if (_options.ScopeLostBehavior == ScopeLostBehavior.ExitProcess || _application is null)
            Environment.Exit(DaemonExitCodes.ScopeLost);
        _application.StopApplication();
        // No work may outlive the scope: past its margin another instance may hold it.
        _ = Task.Run(async () =>
        {
            await Task.Delay(scope.StopWithin).ConfigureAwait(false);
            LogForcedExit(_logger, Name, (long)scope.StopWithin.TotalMilliseconds);
            Environment.Exit(DaemonExitCodes.ScopeLost);
        }, CancellationToken.None);
    }

    private void OnScopeStopRequested(IDaemonScope scope)
    {
        LogScopeStopRequested(_logger, Name, scope.Description);
        _application?.StopApplication();
    }

    private async Task ReleaseScopesAsync()
    {
        for (int i = _heldScopes.Count - 1; i >= 0; i--)
        {
            try
            {
                await _heldScopes[i].ReleaseAsync().ConfigureAwait(false);
            }
            catch (PidGuardException e)
            {
                LogHeartbeatFailed(_logger, e.Message);
            }
        }
        _heldScopes.Clear();
    }

    /// <summary>Under `pidguard run` or `start` the supervisor holds the lock for this process: check it is that supervisor's.</summary>
    private void VerifySupervisorHoldsTheLock(PidGuardOptions options)
    {
        var status = DaemonProbe.GetStatus(Name, options);
        string expected = Environment.GetEnvironmentVariable(InstanceLock.SupervisorPidEnvironmentVariable)!;
        if (status.Supervisor?.ToString(CultureInfo.InvariantCulture) != expected)
            throw new PidGuardException($"{InstanceLock.SupervisorPidEnvironmentVariable}={expected} but the lock of '{Name}' is not held by that supervisor ({status.State}, supervisor PID {status.Supervisor?.ToString(CultureInfo.InvariantCulture) ?? "none"}).", status.Paths.LockFile);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _started, 1);
        if (Interlocked.Exchange(ref _pendingReload, 0) == 1)
            Reloading?.Invoke(this, EventArgs.Empty); // subscribers registered in StartAsync see an early HUP too
        // The systemd lifetime (UseSystemd) sends READY=1 itself: never send it twice.
        if (_options.NotifyReadiness && _lifetime is not SystemdLifetime && !_readySent)
            _readySent = _notifier.Notify("READY=1");
        if (_options.HeartbeatInterval > TimeSpan.Zero)
            _heartbeatLoop = Task.Run(() => HeartbeatLoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (_readySent)
            _notifier.Notify("STOPPING=1");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_heartbeatLoop is not null)
            await _heartbeatLoop.ConfigureAwait(false);
        await ReleaseScopesAsync().ConfigureAwait(false);
        Release();
    }

    /// <summary>Releases the lock this process holds (none under a supervisor). Idempotent.</summary>
    internal void Release()
    {
        if (Lock is { IsReleased: false } held)
        {
            held.Dispose();
            LogReleased(_logger, Name);
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                if (_options.AutomaticHeartbeat)
                    Beat();
                else
                    Lock?.CheckIntegrity();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Beat(string? status = null)
    {
        if (status is not null)
            _status = status;
        try
        {
            if (IsSupervised)
            {
                _notifier.Notify(_status is null ? "WATCHDOG=1" : $"WATCHDOG=1\nSTATUS={_status}");
                return;
            }
            if (Lock is { IsReleased: false } held)
                held.Heartbeat(_status);
        }
        catch (Exception e) when (e is PidGuardException or ObjectDisposedException or InvalidOperationException)
        {
            LogHeartbeatFailed(_logger, e.Message);
        }
    }

    public void SetStatus(string status)
    {
        _status = status;
        try
        {
            if (IsSupervised)
                _notifier.Notify($"STATUS={status}");
            else if (Lock is { IsReleased: false } held)
                held.UpdateState(s => s.Status = status);
        }
        catch (Exception e) when (e is PidGuardException or ObjectDisposedException or InvalidOperationException)
        {
            LogHeartbeatFailed(_logger, e.Message);
        }
    }

    private void OnHangup()
    {
        LogReload(_logger, Name);
        if (_options.ReloadConfigurationOnHangup && _configuration is IConfigurationRoot root)
            root.Reload();
        if (Volatile.Read(ref _started) == 0)
        {
            Volatile.Write(ref _pendingReload, 1);
            // Race: StartedAsync may have run in between; then nobody else will raise it.
            if (Volatile.Read(ref _started) == 0 || Interlocked.Exchange(ref _pendingReload, 0) == 0)
                return;
        }
        Reloading?.Invoke(this, EventArgs.Empty);
    }

    public void Dispose()
    {
        _hangup?.Dispose();
        _stopping.Dispose();
        _acquiring.Dispose();
        Lock?.Dispose();
    }

    [LoggerMessage(1, LogLevel.Error, "{Message}")]
    private static partial void LogAlreadyRunning(ILogger logger, string message);

    [LoggerMessage(2, LogLevel.Information, "PidGuard: '{Name}' runs as PID {Pid} ({Mode}).")]
    private static partial void LogStarted(ILogger logger, string name, int pid, string mode);

    [LoggerMessage(3, LogLevel.Information, "PidGuard: '{Name}' released its instance lock.")]
    private static partial void LogReleased(ILogger logger, string name);

    [LoggerMessage(4, LogLevel.Information, "PidGuard: SIGHUP received, reloading '{Name}'.")]
    private static partial void LogReload(ILogger logger, string name);

    [LoggerMessage(5, LogLevel.Warning, "PidGuard: heartbeat failed: {Message}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string message);

    [LoggerMessage(6, LogLevel.Critical, "PidGuard: '{Name}' cannot run: {Message}")]
    private static partial void LogCannotRun(ILogger logger, string name, string message);

    [LoggerMessage(7, LogLevel.Information, "PidGuard: '{Name}' holds its {Scope}.")]
    private static partial void LogScopeTaken(ILogger logger, string name, string scope);

    [LoggerMessage(8, LogLevel.Critical, "PidGuard: '{Name}' lost its {Scope}: {Reason}. Stopping now; it must be gone within {Milliseconds} ms.")]
    private static partial void LogScopeLost(ILogger logger, string name, string scope, string reason, long milliseconds);

    [LoggerMessage(9, LogLevel.Error, "PidGuard: a ScopeLost handler failed.")]
    private static partial void LogScopeHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Critical, "PidGuard: '{Name}' did not stop within {Milliseconds} ms of losing its scope; exiting.")]
    private static partial void LogForcedExit(ILogger logger, string name, long milliseconds);

    [LoggerMessage(11, LogLevel.Information, "PidGuard: a stop of '{Name}' was requested through its {Scope}.")]
    private static partial void LogScopeStopRequested(ILogger logger, string name, string scope);
}
