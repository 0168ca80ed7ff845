using System.Globalization;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// The lease timings, checked for safety, and the per-session server settings derived from them.
/// Every server-side release path (keepalive, TCP user timeout, idle-session timeout) is set to
/// fire between <see cref="RenewDeadline"/> and <see cref="LeaseDuration"/> after the holder's last
/// activity, so the holder has always fenced itself before the server can free the lock.
/// </summary>
internal sealed record LeaseTiming(TimeSpan LeaseDuration, TimeSpan RenewDeadline, TimeSpan RenewInterval, TimeSpan HeartbeatTimeout, TimeSpan ConnectTimeout)
{
    /// <summary>The smallest margin between the deadline and the lease: TCP keepalive settings are whole seconds.</summary>
    public static readonly TimeSpan MinimumMargin = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>LeaseDuration - RenewDeadline: the time the application has to stop after <c>Lost</c> fired.</summary>
    public TimeSpan Margin => LeaseDuration - RenewDeadline;

    /// <summary>When the server drops a silent holder's session: halfway through the margin.</summary>
    public TimeSpan ServerRelease => RenewDeadline + Margin / 2;

    /// <summary>TCP keepalive probe interval (whole seconds, at least 1, at most a quarter of the margin when it allows).</summary>
    public int KeepaliveIntervalSeconds => Math.Max(1, (int)(Margin.TotalSeconds / 4));

    /// <summary>Idle time before the first probe: the first probe is due no later than <see cref="ServerRelease"/> - interval.</summary>
    public int KeepaliveIdleSeconds => Math.Max(1, (int)Math.Floor(ServerRelease.TotalSeconds - KeepaliveIntervalSeconds));

    /// <summary>Probes before giving up, for servers without TCP_USER_TIMEOUT: idle + count * interval reaches ServerRelease.</summary>
    public int KeepaliveCount => Math.Max(1, (int)Math.Ceiling((ServerRelease.TotalSeconds - KeepaliveIdleSeconds) / KeepaliveIntervalSeconds));

    /// <summary>How often the server checks, during a query, that the client is still connected.</summary>
    public TimeSpan ConnectionCheckInterval => RenewInterval < TimeSpan.FromSeconds(1) ? RenewInterval : TimeSpan.FromSeconds(1);

    /// <summary>How long one slice of a blocking wait for the lock lasts before the waiter re-checks its own state.</summary>
    public TimeSpan WaitSlice => RenewDeadline;

    public static LeaseTiming From(PostgresClusterOptions o)
    {
        var t = new LeaseTiming(o.LeaseDuration, o.RenewDeadline, o.RenewInterval, o.HeartbeatTimeout, o.ConnectTimeout);
        t.Validate();
        return t;
    }

    private void Validate()
    {
        Require(RenewInterval >= MinimumInterval, nameof(RenewInterval), $"RenewInterval is {S(RenewInterval)}; it must be at least {S(MinimumInterval)}");
        Require(HeartbeatTimeout >= MinimumInterval, nameof(HeartbeatTimeout), $"HeartbeatTimeout is {S(HeartbeatTimeout)}; it must be at least {S(MinimumInterval)}");
        Require(ConnectTimeout >= TimeSpan.FromSeconds(1), nameof(ConnectTimeout), $"ConnectTimeout is {S(ConnectTimeout)}; it must be at least 1 s");
        // One heartbeat may fail (time out) and the next still land before the deadline.
        Require(RenewDeadline >= 2 * RenewInterval + HeartbeatTimeout, nameof(RenewDeadline),
            $"RenewDeadline ({S(RenewDeadline)}) must be at least 2 x RenewInterval + HeartbeatTimeout ({S(2 * RenewInterval + HeartbeatTimeout)}), so that one failed heartbeat does not lose the lease");
        // The margin is where the server-side release lives and the time the app has to stop.
        Require(Margin >= RenewInterval, nameof(LeaseDuration),
            $"LeaseDuration - RenewDeadline ({S(Margin)}) must be at least RenewInterval ({S(RenewInterval)}): the holder must fence itself well before the server can release the lock");
        Require(Margin >= MinimumMargin, nameof(LeaseDuration),
            $"LeaseDuration - RenewDeadline ({S(Margin)}) must be at least {S(MinimumMargin)}: the server-side TCP keepalive settings are whole seconds and must fall strictly between RenewDeadline and LeaseDuration");
        Require(LeaseDuration <= TimeSpan.FromHours(1), nameof(LeaseDuration), $"LeaseDuration is {S(LeaseDuration)}; the limit is 1 h");
    }

    private static void Require(bool ok, string option, string problem)
    {
        if (!ok)
            throw new ArgumentException($"Unsafe cluster lease timing: {problem}.", option);
    }

    internal static string S(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    /// <summary>
    /// The per-session settings sent in the startup packet (<c>-c name=value</c>): all are
    /// user-settable, so no server configuration change is needed.
    /// </summary>
    public string SessionOptions()
    {
        var ci = CultureInfo.InvariantCulture;
        long release = (long)ServerRelease.TotalMilliseconds;
        return string.Join(' ',
            $"-c tcp_keepalives_idle={KeepaliveIdleSeconds.ToString(ci)}",
            $"-c tcp_keepalives_interval={KeepaliveIntervalSeconds.ToString(ci)}",
            $"-c tcp_keepalives_count={KeepaliveCount.ToString(ci)}",
            $"-c tcp_user_timeout={release.ToString(ci)}",
            $"-c idle_session_timeout={release.ToString(ci)}",
            $"-c idle_in_transaction_session_timeout={release.ToString(ci)}",
            $"-c client_connection_check_interval={((long)ConnectionCheckInterval.TotalMilliseconds).ToString(ci)}");
    }
}
