using System.Collections.Concurrent;
using System.Diagnostics;

namespace PidGuard.Cluster.Tests.Infrastructure;

/// <summary>
/// The real pidguard tool as built next to the tests (PidGuard.Cli.dll), or the command in
/// PIDGUARD_TEST_TOOL (as in PidGuard.Tests), run for one simulated host: its own runtime directory
/// and PIDGUARD_CLUSTER_HOST. Output (stdout and stderr) is collected line by line.
/// </summary>
public sealed class PidguardCli : IDisposable
{
    public const string FastTimingArguments = "--lease-duration 4 --renew-deadline 2 --renew-interval 0.25 --heartbeat-timeout 0.5 --connect-timeout 2";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private PidguardCli(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private void Add(string? line)
    {
        if (line is not null)
            _lines.Enqueue(line);
    }

    public int Pid => _process.Id;

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join("\n", _lines);

    private static string[] Tool => Environment.GetEnvironmentVariable("PIDGUARD_TEST_TOOL") is { Length: > 0 } tool
        ? tool.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        : [Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } d ? d : "dotnet", Path.Join(AppContext.BaseDirectory, "PidGuard.Cli.dll")];

    public static PidguardCli Start(string host, string runtimeDir, params string[] args)
    {
        var tool = Tool;
        var psi = new ProcessStartInfo(tool[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string a in tool.Skip(1).Concat(args))
            psi.ArgumentList.Add(a);
        psi.Environment["PIDGUARD_RUNTIME_DIR"] = runtimeDir;
        psi.Environment["PIDGUARD_CLUSTER_HOST"] = host;
        psi.Environment.Remove("PIDGUARD_CLUSTER");
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        return new PidguardCli(p);
    }

    /// <summary>Runs a command to its end (at most <paramref name="timeoutMs"/>) and returns its exit code and output.</summary>
    public static (int Code, string Output) Run(string host, string runtimeDir, int timeoutMs, params string[] args)
    {
        using var cli = Start(host, runtimeDir, args);
        if (!cli.WaitForExit(timeoutMs))
            throw new TimeoutException($"pidguard {string.Join(' ', args)} did not finish in {timeoutMs} ms: {cli.Output}");
        return (cli.ExitCode, cli.Output);
    }

    public bool WaitForExit(int timeoutMs)
    {
        if (!_process.WaitForExit(timeoutMs))
            return false;
        _process.WaitForExit(); // the output is all read
        return true;
    }

    /// <summary>SIGKILL to this tool's process only (not its program).</summary>
    public void Kill9()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: false);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
