namespace PidGuard.Cluster.Postgres;

/// <summary>
/// The cluster server could not be reached or refused the connection (down, wrong address, wrong
/// password, too old, behind a transaction-pooling proxy). The message names the server
/// (<c>host:port/database as user</c>, never the password) and the reason.
/// </summary>
public sealed class ClusterConnectionException : PidGuardException
{
    /// <summary>Creates the exception.</summary>
    public ClusterConnectionException(string server, string message, Exception? inner = null)
        : base(message, null, inner) => Server = server;

    /// <summary>The server as <c>host:port/database as user</c>.</summary>
    public string Server { get; }
}
