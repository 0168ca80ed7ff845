using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace PidGuard.Cluster.Tests.Infrastructure;

/// <summary>
/// A real PidGuard.Cluster.TestHost process whose stdout lines the test waits for. Signals go only
/// to this process, by the PID of the Process object the test started.
/// </summary>
public sealed partial class ClusterHost : IDisposable
{
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly List<string> _seen = [];

    private ClusterHost(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                _lines.CompleteAdding();
            else
                _lines.Add(e.Data);
        };
        _process.BeginOutputReadLine();
    }

    static ClusterHost()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        if (workers < 64)
            ThreadPool.SetMinThreads(64, Math.Max(io, 64));
    }

    public int Pid => _process.Id;

    public IReadOnlyList<string> Seen => _seen;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } d ? d : "dotnet";

    private static string HostDll => Path.Join(AppContext.BaseDirectory, "PidGuard.Cluster.TestHost.dll");

    /// <summary>Starts <c>hold</c> for one simulated host: its own runtime directory and host name.</summary>
    public static ClusterHost Hold(string connectionString, string name, string host, string runtimeDir, string markers, long waitMs, string? fence = null, int workMs = 20)
    {
        var args = new List<string> { "hold", "--cs", connectionString, "--name", name, "--host", host, "--dir", runtimeDir, "--timing", FastTiming.Argument,
            "--markers", markers, "--wait-ms", waitMs.ToString(CultureInfo.InvariantCulture), "--work-ms", workMs.ToString(CultureInfo.InvariantCulture) };
        if (fence is not null)
            args.AddRange(["--fence", fence]);
        return Start(args);
    }

    public static ClusterHost Start(IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(HostDll);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        return new ClusterHost(p);
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/>; fails on an ERROR line.</summary>
    public string WaitFor(string prefix, int timeoutMs = 30_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !_lines.TryTake(out string? line, remaining))
                throw new TimeoutException($"TestHost PID {Pid} did not print '{prefix}' in {timeoutMs} ms (saw: {string.Join(" | ", _seen)})");
            _seen.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return line;
            if (line.StartsWith("ERROR", StringComparison.Ordinal))
                throw new InvalidOperationException($"TestHost PID {Pid}: {line}");
        }
    }

    /// <summary>Waits for lines starting with each prefix, in any order.</summary>
    public Dictionary<string, string> WaitForAll(int timeoutMs, params string[] prefixes)
    {
        var found = new Dictionary<string, string>();
        foreach (string seen in _seen)
        {
            foreach (string p in prefixes)
            {
                if (seen.StartsWith(p, StringComparison.Ordinal))
                    found.TryAdd(p, seen);
            }
        }
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (found.Count < prefixes.Length)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !_lines.TryTake(out string? line, remaining))
                throw new TimeoutException($"TestHost PID {Pid} did not print all of '{string.Join("', '", prefixes)}' in {timeoutMs} ms (saw: {string.Join(" | ", _seen)})");
            _seen.Add(line);
            foreach (string p in prefixes)
            {
                if (line.StartsWith(p, StringComparison.Ordinal))
                    found.TryAdd(p, line);
            }
        }
        return found;
    }

    /// <summary>True when the line came within <paramref name="timeoutMs"/>.</summary>
    public bool TryWaitFor(string prefix, int timeoutMs, out string? line)
    {
        try
        {
            line = WaitFor(prefix, timeoutMs);
            return true;
        }
        catch (TimeoutException)
        {
            line = null;
            return false;
        }
    }

    /// <summary>The value of <c>key=</c> in a line.</summary>
    public static long Field(string line, string key)
    {
        foreach (string part in line.Split(' '))
        {
            if (part.StartsWith(key + "=", StringComparison.Ordinal))
                return long.Parse(part.AsSpan(key.Length + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        throw new FormatException($"no {key}= in '{line}'");
    }

    public void Signal(int signal)
    {
        if (kill(Pid, signal) != 0)
            throw new InvalidOperationException($"kill({Pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGKILL; returns the timestamp just before the signal.</summary>
    public long Kill9()
    {
        long t = Stopwatch.GetTimestamp();
        if (!_process.HasExited)
            _process.Kill();
        _process.WaitForExit(10_000);
        return t;
    }

    public bool WaitForExit(int timeoutMs) => _process.WaitForExit(timeoutMs);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
