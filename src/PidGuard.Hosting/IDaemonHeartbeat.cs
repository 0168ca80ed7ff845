namespace PidGuard.Hosting;

/// <summary>Lets the app report its health so that <c>pidguard status</c> can tell "running" from "running but wedged".</summary>
public interface IDaemonHeartbeat
{
    /// <summary>Records a heartbeat now (and the status line, if given).</summary>
    void Beat(string? status = null);

    /// <summary>Sets the free-form status line shown by <c>pidguard status</c>, without a heartbeat.</summary>
    void SetStatus(string status);
}
