using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Xunit.Sdk;

namespace PidGuard.Tests.Infrastructure;

/// <summary>A real PidGuard.TestHost process whose stdout lines the test can wait for.</summary>
public sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly BlockingCollection<string> _lines = new();
    private readonly List<string> _seen = [];

    /// <summary>How long <see cref="Run"/> gives a command, from start to its END line.</summary>
    public static readonly TimeSpan RunBound = TimeSpan.FromSeconds(60);

    static HostProcess() => TestThreads.Ensure();

    private HostProcess(Process process)
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

    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } d ? d : "dotnet";

    public static string HostDll => Path.Join(AppContext.BaseDirectory, "PidGuard.TestHost.dll");

    public int Pid => _process.Id;

    /// <summary>Every line consumed by <see cref="WaitFor"/> so far.</summary>
    public IReadOnlyList<string> Seen => _seen;

    public bool HasExited => _process.HasExited;

    public static HostProcess Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(HostDll);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        return new HostProcess(p);
    }

    /// <summary>Runs the host to completion and returns its stdout lines and exit code.</summary>
    /// <exception cref="ProcessTimeoutException">No END line within <see cref="RunBound"/>; the host is killed.</exception>
    public static (int ExitCode, string[] Lines) Run(params string[] args)
    {
        using var h = Start(args);
        var clock = Stopwatch.StartNew();
        var lines = new List<string>();
        // Every command ends with an END line; a descendant may still hold the pipe, so EOF is not awaited.
        while (true)
        {
            var remaining = RunBound - clock.Elapsed;
            if (remaining <= TimeSpan.Zero || !h._lines.TryTake(out string? line, remaining))
            {
                if (h._lines.IsCompleted)
                    throw new XunitException($"TestHost {string.Join(' ', args)} closed its output without an END line:\n{string.Join('\n', lines)}");
                throw new ProcessTimeoutException($"TestHost {string.Join(' ', args)} (no END line)", RunBound, string.Join('\n', lines));
            }
            if (line == "END")
                break;
            lines.Add(line);
        }
        var left = RunBound - clock.Elapsed;
        if (!h._process.WaitForExit(left > TimeSpan.Zero ? left : TimeSpan.Zero))
            throw new ProcessTimeoutException($"TestHost {string.Join(' ', args)} (printed END but did not exit)", RunBound, string.Join('\n', lines));
        return (h._process.ExitCode, lines.ToArray());
    }

    /// <summary>Waits for a line starting with <paramref name="prefix"/> and returns it.</summary>
    public string WaitFor(string prefix, int timeoutMs = 30_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !_lines.TryTake(out string? line, remaining))
                throw new TimeoutException($"TestHost PID {Pid} did not print '{prefix}' (saw: {string.Join(" | ", _seen)})");
            _seen.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return line;
        }
    }

    public int WaitForInt(string prefix, int timeoutMs = 30_000) =>
        int.Parse(WaitFor(prefix, timeoutMs).Split(' ')[1], CultureInfo.InvariantCulture);

    public bool WaitForExit(int timeoutMs) => _process.WaitForExit(timeoutMs);

    public int ExitCode => _process.ExitCode;

    /// <summary>SIGKILL: this is our own child, proven by the Process object.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.WaitForExit(10_000); // bounded: a handed-off descendant may keep our stdout pipe open
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
