using System.Globalization;
using Npgsql;

namespace PidGuard.Cluster.Postgres;

/// <summary>
/// Turns what the user gave (an Npgsql connection string or a <c>postgres://</c> URL) into Npgsql
/// settings, and names the server in error messages without ever showing the password.
/// </summary>
internal static class ClusterConnectionString
{
    private static readonly Dictionary<string, string> s_urlParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["connect_timeout"] = "Timeout",
        ["target_session_attrs"] = "Target Session Attributes",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["sslpassword"] = "SSL Password",
        ["options"] = "Options",
        ["host"] = "Host",
        ["port"] = "Port",
        ["dbname"] = "Database",
        ["user"] = "Username",
        ["password"] = "Password",
        ["passfile"] = "Passfile",
        ["application_name"] = "Application Name",
        ["channel_binding"] = "Channel Binding",
        ["gssencmode"] = "GSS Encryption Mode",
        ["krbsrvname"] = "Kerberos Service Name",
    };

    /// <summary>Parses either form; throws <see cref="ArgumentException"/> with the reason when it cannot.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        text = text.Trim();
        try
        {
            return IsUrl(text) ? FromUrl(text) : new NpgsqlConnectionStringBuilder(text);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"Cannot read the cluster connection string: {e.Message} (expected an Npgsql connection string such as 'Host=db1;Username=app;Password=...;Database=app' or a URL such as 'postgres://app:secret@db1:5432/app').", nameof(text), e);
        }
    }

    public static bool IsUrl(string text) =>
        text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    private static NpgsqlConnectionStringBuilder FromUrl(string url)
    {
        var b = new NpgsqlConnectionStringBuilder();
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal) + 3;
        string rest = url[schemeEnd..];
        string query = "";
        if (rest.IndexOf('?') is var q and >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        string path = "";
        if (rest.IndexOf('/') is var slash and >= 0)
        {
            path = rest[(slash + 1)..];
            rest = rest[..slash];
        }
        if (rest.LastIndexOf('@') is var at and >= 0)
        {
            string userInfo = rest[..at];
            rest = rest[(at + 1)..];
            if (userInfo.IndexOf(':') is var colon and >= 0)
            {
                b.Username = Uri.UnescapeDataString(userInfo[..colon]);
                b.Password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
            }
            else
            {
                b.Username = Uri.UnescapeDataString(userInfo);
            }
        }
        if (rest.Length > 0)
            b.Host = HostList(rest, b);
        if (path.Length > 0)
            b.Database = Uri.UnescapeDataString(path);
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = Uri.UnescapeDataString(eq >= 0 ? pair[..eq] : pair);
            string value = eq >= 0 ? Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' ')) : "";
            string keyword = s_urlParameters.TryGetValue(key, out var known) ? known : key;
            b[keyword] = keyword == "SSL Mode" ? SslMode(value) : value;
        }
        return b;
    }

    /// <summary><c>h1:5432,h2</c> or <c>[::1]:5432</c>; a single port is moved to Port so Npgsql's defaults stay simple.</summary>
    private static string HostList(string hosts, NpgsqlConnectionStringBuilder b)
    {
        var parts = hosts.Split(',');
        if (parts.Length == 1 && SplitPort(Uri.UnescapeDataString(parts[0])) is var (host, port))
        {
            if (port is { } p)
                b.Port = p;
            return host;
        }
        return string.Join(',', parts.Select(Uri.UnescapeDataString));
    }

    private static (string Host, int? Port) SplitPort(string hostPort)
    {
        if (hostPort.StartsWith('['))
        {
            int close = hostPort.IndexOf(']');
            string host = hostPort[1..close];
            return hostPort.Length > close + 2 && hostPort[close + 1] == ':'
                ? (host, int.Parse(hostPort[(close + 2)..], NumberStyles.None, CultureInfo.InvariantCulture))
                : (host, null);
        }
        int colon = hostPort.LastIndexOf(':');
        return colon > 0 && !hostPort.StartsWith('/')
            ? (hostPort[..colon], int.Parse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture))
            : (hostPort, null);
    }

    private static string SslMode(string libpq) => libpq.ToLowerInvariant() switch
    {
        "verify-ca" => "VerifyCA",
        "verify-full" => "VerifyFull",
        _ => libpq,
    };

    /// <summary><c>host:port/database as user</c>, for error messages: never the password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder b)
    {
        string host = string.IsNullOrEmpty(b.Host) ? "localhost (default)" : b.Host;
        string where = host.StartsWith('/') || host.Contains(',') ? host : $"{host}:{b.Port.ToString(CultureInfo.InvariantCulture)}";
        string db = string.IsNullOrEmpty(b.Database) ? "" : $"/{b.Database}";
        string user = string.IsNullOrEmpty(b.Username) ? "" : $" as {b.Username}";
        return $"{where}{db}{user}";
    }
}
