using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace PidGuard.Cluster.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server: initdb into a temp directory, listening on a Unix socket in that
/// directory and on a free 127.0.0.1 port, password authentication over TCP. As root everything
/// runs as the postgres user (runuser), which owns the directory.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string Password = "pidguard-test";

    private readonly string _bin;
    private readonly string _root;

    private PostgresServer(string bin, string root, int port)
    {
        _bin = bin;
        _root = root;
        Port = port;
    }

    public int Port { get; }

    public string DataDirectory => Path.Join(_root, "data");

    public string LogFile => Path.Join(_root, "server.log");

    public string ConnectionString => ConnectionStringFor(Port);

    public static string ConnectionStringFor(int port, string password = Password) =>
        $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Password={password};Database=postgres";

    /// <summary>The bin directory of an installed PostgreSQL (PIDGUARD_PG_BIN, else 15, else the newest), or null.</summary>
    public static string? FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("PIDGUARD_PG_BIN") is { Length: > 0 } explicitBin)
            return File.Exists(Path.Join(explicitBin, "pg_ctl")) ? explicitBin : null;
        const string root = "/usr/lib/postgresql";
        if (File.Exists(Path.Join(root, "15", "bin", "pg_ctl")))
            return Path.Join(root, "15", "bin");
        if (!Directory.Exists(root))
            return null;
        return Directory.GetDirectories(root)
            .Select(d => Path.Join(d, "bin"))
            .Where(b => File.Exists(Path.Join(b, "pg_ctl")))
            .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out int v) ? v : 0)
            .FirstOrDefault();
    }

    public static bool IsRoot => Environment.UserName == "root";

    public static PostgresServer Start(string bin)
    {
        var root = Directory.CreateTempSubdirectory("pidguard-pg-").FullName;
        var server = new PostgresServer(bin, root, FreePort());
        try
        {
            if (IsRoot)
                Run("chown", "postgres:postgres", root);
            string pwfile = Path.Join(root, "pwfile");
            File.WriteAllText(pwfile, Password + "\n");
            if (IsRoot)
                Run("chown", "postgres:postgres", pwfile);
            server.RunPg("initdb", "-D", server.DataDirectory, "--no-sync", "-U", "postgres", "-E", "UTF8", "--locale=C",
                "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={pwfile}");
            server.StartServer();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private void StartServer() =>
        RunPg("pg_ctl", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o",
            $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");

    /// <summary><c>pg_ctl restart -m fast</c>: every session is terminated, then the server starts again on the same port.</summary>
    public void Restart() =>
        RunPg("pg_ctl", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-m", "fast", "-o",
            $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "restart");

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(DataDirectory) && File.Exists(Path.Join(DataDirectory, "postmaster.pid")))
                RunPg("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void RunPg(string tool, params string[] args)
    {
        string exe = Path.Join(_bin, tool);
        if (IsRoot)
            Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        else
            Run(exe, args);
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} did not finish in 120 s");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {stdout.Result} {stderr.Result}");
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
