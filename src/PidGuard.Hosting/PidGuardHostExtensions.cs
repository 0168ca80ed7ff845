using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace PidGuard.Hosting;

/// <summary>Runs a guarded host as a daemon: the lock first, then the host, and an exit code for every end.</summary>
public static class PidGuardHostExtensions
{
    /// <summary>
    /// Takes the instance lock, then runs the host until it stops, and returns the process exit code:
    /// <see cref="Environment.ExitCode"/> after a normal run, <see cref="DaemonExitCodes.AlreadyRunning"/>
    /// (75) when another instance holds the name, <see cref="DaemonExitCodes.CannotRun"/> (78) when the
    /// runtime directory or the lock file is unusable. Either failure is logged once, with the reason
    /// and without a stack trace, and no hosted service starts. (With plain <c>RunAsync</c> the host
    /// itself also logs the failure, with its stack trace, and throws.)
    /// </summary>
    public static async Task<int> RunAsDaemonAsync(this IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        var daemon = host.Services.GetService<PidGuardDaemonService>()
            ?? throw new InvalidOperationException("RunAsDaemonAsync needs services.AddPidGuard(name) (or UsePidGuard).");
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        // Race: the daemon is findable (its pid file written) before the host's own lifetime handles
        // TERM and INT; one that arrives in between is a graceful stop, not the runtime's default exit.
        var early = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            early.Add(PosixSignalRegistration.Create(signal, ctx =>
            {
                ctx.Cancel = true;
                lifetime.StopApplication();
            }));
        }
        try
        {
            try
            {
                await daemon.AcquireAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (AlreadyRunningException)
            {
                return DaemonExitCodes.AlreadyRunning;
            }
            catch (PidGuardException)
            {
                return DaemonExitCodes.CannotRun;
            }
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopped before it was up: stop what started, and let go of the name.
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            daemon.Release();
            return Environment.ExitCode;
        }
        finally
        {
            foreach (var registration in early)
                registration.Dispose();
        }
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        return Environment.ExitCode;
    }
}
