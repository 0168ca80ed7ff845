using PidGuard.Cluster.Postgres;
using PidGuard.Cluster.Tests.Infrastructure;

namespace PidGuard.Cluster.Tests;

/// <summary>Timing rules, key derivation, connection strings and session names: no server needed.</summary>
public sealed class SettingsTests
{
    private static PostgresClusterOptions Options(double lease, double deadline, double interval, double timeout) => new()
    {
        ConnectionString = "Host=db1;Username=app",
        LeaseDuration = TimeSpan.FromSeconds(lease),
        RenewDeadline = TimeSpan.FromSeconds(deadline),
        RenewInterval = TimeSpan.FromSeconds(interval),
        HeartbeatTimeout = TimeSpan.FromSeconds(timeout),
    };

    [Fact]
    public void Defaults_and_test_timings_are_valid()
    {
        new PostgresClusterOptions { ConnectionString = "Host=db1" }.Validate();
        FastTiming.Options("Host=db1", "/tmp").Validate();
    }

    [Theory]
    [InlineData(15, 14, 2, 2, "LeaseDuration - RenewDeadline (1 s) must be at least RenewInterval (2 s)")]
    [InlineData(15, 14, 0.5, 0.5, "LeaseDuration - RenewDeadline (1 s) must be at least 2 s")]
    [InlineData(15, 10, 4, 4, "RenewDeadline (10 s) must be at least 2 x RenewInterval + HeartbeatTimeout (12 s)")]
    [InlineData(15, 16, 2, 2, "LeaseDuration - RenewDeadline (-1 s)")]
    [InlineData(15, 10, 0.01, 1, "RenewInterval is 0.01 s")]
    [InlineData(15, 10, 2, 0, "HeartbeatTimeout is 0 s")]
    [InlineData(7200, 7000, 2, 2, "the limit is 1 h")]
    public void Unsafe_timings_are_refused_with_the_rule(double lease, double deadline, double interval, double timeout, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => Options(lease, deadline, interval, timeout).Validate());
        Assert.Contains("Unsafe cluster lease timing", e.Message, StringComparison.Ordinal);
        Assert.Contains(rule, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(15, 10, 2, 2)]
    [InlineData(4, 2, 0.25, 0.5)]
    [InlineData(5, 3, 0.5, 0.5)]
    [InlineData(60, 40, 5, 5)]
    [InlineData(30, 27, 1, 1)]
    public void Every_server_side_release_falls_strictly_between_the_deadline_and_the_lease(double lease, double deadline, double interval, double timeout)
    {
        var t = LeaseTiming.From(Options(lease, deadline, interval, timeout));
        double d = deadline, l = lease;
        double userTimeout = t.ServerRelease.TotalSeconds;
        Assert.InRange(userTimeout, d + 0.5, l - 0.5);
        // Linux with TCP_USER_TIMEOUT: aborted at the first probe time idle + k*interval (k >= 1) that reaches the user timeout.
        double probe = t.KeepaliveIdleSeconds + t.KeepaliveIntervalSeconds;
        while (probe < userTimeout)
            probe += t.KeepaliveIntervalSeconds;
        Assert.InRange(probe, d, l);
        // Without TCP_USER_TIMEOUT: idle + count * interval.
        Assert.InRange(t.KeepaliveIdleSeconds + t.KeepaliveCount * t.KeepaliveIntervalSeconds, d, l);
        string s = t.SessionOptions();
        Assert.Contains("-c idle_session_timeout=", s, StringComparison.Ordinal);
        Assert.Contains("-c client_connection_check_interval=", s, StringComparison.Ordinal);
    }

    [Fact]
    public void The_lock_key_is_stable_and_documented()
    {
        // SHA-256("pidguard-cluster-v1\npidguard\nbilling")[0..8], big-endian: pinned so that it never changes.
        long key = LeaseKey.For("pidguard", "billing");
        Assert.Equal(key, LeaseKey.For("pidguard", "billing"));
        Assert.NotEqual(key, LeaseKey.For("other", "billing"));
        Assert.NotEqual(key, LeaseKey.For("pidguard", "Billing"));
        var expected = System.Security.Cryptography.SHA256.HashData("pidguard-cluster-v1\npidguard\nbilling"u8);
        Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(expected), key);
        Assert.Throws<ArgumentException>(() => LeaseKey.For("bad namespace", "billing"));
        Assert.Throws<ArgumentException>(() => LeaseKey.For("pidguard", new string('x', 65)));
    }

    [Theory]
    [InlineData("postgres://app:s%40cret@db1:5433/billing?sslmode=verify-full&connect_timeout=7", "db1", 5433, "billing", "app", "s@cret")]
    [InlineData("postgresql://app@db1/billing", "db1", 5432, "billing", "app", null)]
    [InlineData("postgres://app:pw@[::1]:6000/x", "::1", 6000, "x", "app", "pw")]
    [InlineData("Host=db2;Port=5439;Database=d;Username=u;Password=p", "db2", 5439, "d", "u", "p")]
    public void Urls_and_connection_strings_are_read(string text, string host, int port, string db, string user, string? password)
    {
        var b = ClusterConnectionString.Parse(text);
        Assert.Equal(host, b.Host);
        Assert.Equal(port, b.Port);
        Assert.Equal(db, b.Database);
        Assert.Equal(user, b.Username);
        Assert.Equal(password, b.Password);
        Assert.DoesNotContain(password ?? "\0", ClusterConnectionString.Describe(b), StringComparison.Ordinal);
    }

    [Fact]
    public void Url_parameters_map_to_npgsql_settings_and_bad_ones_are_clear_errors()
    {
        var b = ClusterConnectionString.Parse("postgres://u@h1,h2:5433/db?sslmode=verify-full&target_session_attrs=read-write");
        Assert.Equal("h1,h2:5433", b.Host);
        Assert.Equal(Npgsql.SslMode.VerifyFull, b.SslMode);
        var e = Assert.Throws<ArgumentException>(() => ClusterConnectionString.Parse("postgres://u@h/db?no_such_thing=1"));
        Assert.Contains("Cannot read the cluster connection string", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new PostgresClusterOptions { ConnectionString = "" }.Validate());
    }

    [Theory]
    [InlineData(9, 5)]
    [InlineData(64, 5)]
    [InlineData(64, 60)]
    [InlineData(10, 60)]
    [InlineData(30, 30)]
    [InlineData(64, 0)]
    [InlineData(64, 1)]
    public void Session_names_fit_63_bytes_and_keep_the_pid(int nameLength, int hostLength)
    {
        string name = new('n', nameLength);
        string host = new('h', hostLength);
        string app = ApplicationName.For(name, host, 4194304);
        Assert.True(app.Length <= ApplicationName.MaxBytes, $"{app.Length}: {app}");
        Assert.StartsWith("pidguard/n", app, StringComparison.Ordinal);
        var (parsedHost, pid) = ApplicationName.Parse(app);
        Assert.Equal(4194304, pid);
        Assert.NotNull(parsedHost);
        if (9 + nameLength + 1 + hostLength + 8 <= 63)
            Assert.Equal($"pidguard/{name}@{host}:4194304", app);
    }
}
