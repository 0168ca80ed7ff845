namespace PidGuard.Cluster.Tests.Infrastructure;

/// <summary>
/// One throwaway PostgreSQL for the whole test run. Where PostgreSQL is not installed the tests that
/// need it are skipped with the reason, except under CI=true, where they fail: CI must never skip.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private string? _unavailable;

    public PostgresServer Server
    {
        get
        {
            if (_server is not null)
                return _server;
            string reason = _unavailable ?? "PostgreSQL was not started";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"{reason} (CI=true: PostgreSQL tests must run, not skip; .ci/run installs the postgresql package)");
            Assert.Skip(reason);
            return null!;
        }
    }

    public string ConnectionString => Server.ConnectionString;

    public ValueTask InitializeAsync()
    {
        string? bin = PostgresServer.FindBinDirectory();
        if (bin is null)
        {
            _unavailable = "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl; set PIDGUARD_PG_BIN or install the 'postgresql' package)";
            return ValueTask.CompletedTask;
        }
        try
        {
            _server = PostgresServer.Start(bin);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
        {
            _unavailable = $"PostgreSQL from {bin} could not be started: {e.Message}";
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }
}
