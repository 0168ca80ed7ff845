namespace PidGuard.Platform;

/// <summary>
/// What a holder of a name keeps for as long as it holds it, besides the lock: nothing on Unix
/// (SIGTERM is the stop request there); on Windows the daemon's named stop event and the job its
/// programs run in (<see cref="Windows.WindowsHolderObjects"/>).
/// </summary>
internal interface IHolderObjects : IDisposable
{
    /// <summary>Fires when a stopper asks the daemon to stop (Windows: its stop event is set); never on Unix.</summary>
    CancellationToken StopRequested { get; }
}

/// <summary>The holder objects of a platform that needs none.</summary>
internal sealed class NoHolderObjects : IHolderObjects
{
    public static readonly NoHolderObjects Instance = new();

    private NoHolderObjects()
    {
    }

    public CancellationToken StopRequested => CancellationToken.None;

    public void Dispose()
    {
    }
}
