using System.CommandLine;
using System.CommandLine.Parsing;

namespace PidGuard.Cli.Cluster;

/// <summary>
/// --cluster and the lease timings, shared by run, start, restart, status, list and stop. For run and
/// start, $PIDGUARD_CLUSTER alone turns the cluster scope on; status, list and stop are cluster-wide
/// only when --cluster is given (bare --cluster takes $PIDGUARD_CLUSTER), so the local commands stay
/// local and never load the cluster code.
/// </summary>
internal sealed class ClusterOptions
{
    public const string ConnectionVariable = "PIDGUARD_CLUSTER";

    private readonly Option<string?> _cluster = new("--cluster")
    {
        Description = "Hold NAME across every host sharing this PostgreSQL database: an Npgsql connection string or a postgres:// URL (default $PIDGUARD_CLUSTER). See docs/CLUSTER.md.",
        HelpName = "CONNECTION",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<string?> _namespace = new("--cluster-namespace") { Description = "Separates unrelated users of one database (default pidguard).", HelpName = "NS" };
    private readonly Option<double?> _lease = new("--lease-duration") { Description = "Cluster lease: how long a silent holder keeps the name from other hosts (default 15).", HelpName = "SEC" };
    private readonly Option<double?> _deadline = new("--renew-deadline") { Description = "Cluster lease: the holder fences itself when no heartbeat succeeded for this long (default 10).", HelpName = "SEC" };
    private readonly Option<double?> _interval = new("--renew-interval") { Description = "Cluster lease: heartbeat interval (default 2).", HelpName = "SEC" };
    private readonly Option<double?> _heartbeat = new("--heartbeat-timeout") { Description = "Cluster lease: how long one heartbeat may take (default 2).", HelpName = "SEC" };
    private readonly Option<double?> _connect = new("--connect-timeout") { Description = "Cluster: how long connecting to the server may take before it is an error (default 5).", HelpName = "SEC" };
    private readonly bool _timings;

    /// <param name="timings">Add the lease timings too (run, start and the supervisor: the holder's side).</param>
    public ClusterOptions(bool timings) => _timings = timings;

    public void AddTo(Command command)
    {
        command.Options.Add(_cluster);
        command.Options.Add(_namespace);
        command.Options.Add(_connect);
        if (!_timings)
            return;
        command.Options.Add(_lease);
        command.Options.Add(_deadline);
        command.Options.Add(_interval);
        command.Options.Add(_heartbeat);
    }

    /// <summary>True when --cluster was given (with or without a value).</summary>
    public bool Given(ParseResult result) => result.GetResult(_cluster) is { Implicit: false };

    /// <summary>
    /// The cluster scope, or null for a local one. <paramref name="environmentTurnsOn"/>: $PIDGUARD_CLUSTER
    /// alone is enough (run, start); otherwise --cluster must be given.
    /// </summary>
    public ClusterSettings? Read(ParseResult result, bool environmentTurnsOn)
    {
        string? connection = result.GetValue(_cluster);
        bool given = Given(result);
        if (given && (connection is { Length: 0 } || ClusterFeature.Arguments.TakeWhile(a => a != "--").Contains("--cluster=")))
            throw CliError.Usage("--cluster must not be empty (leave the value out to use $PIDGUARD_CLUSTER)");
        if (connection is null && (given || environmentTurnsOn))
            connection = Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } env ? env : null;
        if (connection is null)
        {
            if (given)
                throw CliError.Usage($"--cluster without a value needs ${ConnectionVariable} (a connection string or postgres:// URL)");
            foreach (var o in new Option[] { _namespace, _lease, _deadline, _interval, _heartbeat, _connect })
            {
                if (result.GetResult(o) is { Implicit: false })
                    throw CliError.Usage($"{o.Name} needs --cluster (or ${ConnectionVariable})");
            }
            return null;
        }
        if (!ClusterFeature.IsSupported)
            ClusterFeature.ExecCompanion(); // a binary without the cluster scope: the companion does this command
        return new ClusterSettings
        {
            Connection = connection,
            Namespace = result.GetValue(_namespace),
            LeaseDuration = Seconds.Parse(result.GetValue(_lease), "--lease-duration"),
            RenewDeadline = Seconds.Parse(result.GetValue(_deadline), "--renew-deadline"),
            RenewInterval = Seconds.Parse(result.GetValue(_interval), "--renew-interval"),
            HeartbeatTimeout = Seconds.Parse(result.GetValue(_heartbeat), "--heartbeat-timeout"),
            ConnectTimeout = Seconds.Parse(result.GetValue(_connect), "--connect-timeout"),
        };
    }

    /// <summary>The arguments that give the supervisor the same settings; the connection goes through its environment, never its command line.</summary>
    public static List<string> SupervisorArguments(ClusterSettings s)
    {
        var args = new List<string> { "--cluster" };
        void Add(string option, TimeSpan? value)
        {
            if (value is { } v)
                args.AddRange([option, v.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        if (s.Namespace is { } ns)
            args.AddRange(["--cluster-namespace", ns]);
        Add("--lease-duration", s.LeaseDuration);
        Add("--renew-deadline", s.RenewDeadline);
        Add("--renew-interval", s.RenewInterval);
        Add("--heartbeat-timeout", s.HeartbeatTimeout);
        Add("--connect-timeout", s.ConnectTimeout);
        return args;
    }
}
