using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using PidGuard.Platform;
using Xunit.Sdk;

namespace PidGuard.Tests.Infrastructure;

/// <summary>
/// A real child process of the test (the TestHost or the sample worker) whose output lines the test
/// can wait for. It is pinned with a pidfd the moment it starts, and every signal goes through that
/// pidfd: whatever happens to the child, no signal from a test can reach another process that
/// reused its PID. Every wait is bounded.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    /// <summary>How long <see cref="RunHost"/> gives a command, from start to its END line.</summary>
    public static readonly TimeSpan RunBound = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ProcessHandle? _pinned;
    private readonly BlockingCollection<string> _lines = new();
    private readonly ConcurrentQueue<string> _output = new();
    private readonly List<string> _seen = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static ChildProcess() => TestThreads.Ensure();

    private ChildProcess(ProcessStartInfo psi)
    {
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        _process = Process.Start(psi)!;
        _pinned = Platforms.Current.OpenProcess(_process.Id); // just started: it is ours
        _process.OutputDataReceived += (_, e) => Receive(e.Data, _stdoutClosed, toLines: true);
        _process.ErrorDataReceived += (_, e) => Receive(e.Data, _stderrClosed, toLines: false);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } d ? d : "dotnet";

    public static string HostDll => Path.Join(AppContext.BaseDirectory, "PidGuard.TestHost.dll");

    public static string WorkerDll => Path.Join(AppContext.BaseDirectory, "Worker.dll");

    public int Pid => _process.Id;

    /// <summary>Every stdout line consumed by <see cref="WaitFor"/> so far.</summary>
    public IReadOnlyList<string> Seen => _seen;

    /// <summary>Everything printed so far, stdout and stderr.</summary>
    public string Output => string.Join('\n', _output);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The TestHost with <paramref name="args"/>.</summary>
    public static ChildProcess Host(params string[] args)
    {
        var psi = new ProcessStartInfo(Dotnet);
        psi.ArgumentList.Add(HostDll);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        return new ChildProcess(psi);
    }

    /// <summary>The sample worker (samples/Worker) in <paramref name="dir"/>, with configuration <paramref name="settings"/>.</summary>
    public static ChildProcess Worker(TestDir dir, params (string Key, string Value)[] settings)
    {
        var psi = new ProcessStartInfo(Dotnet) { WorkingDirectory = dir.Root };
        psi.ArgumentList.Add(WorkerDll);
        psi.Environment["PidGuard__RuntimeDirectory"] = dir.Runtime;
        psi.Environment["Worker__IntervalMs"] = "100";
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        psi.Environment.Remove("NOTIFY_SOCKET");
        psi.Environment.Remove(InstanceLock.SupervisorPidEnvironmentVariable);
        foreach (var (key, value) in settings)
            psi.Environment[key] = value;
        return new ChildProcess(psi);
    }

    /// <summary>Runs the TestHost to completion and returns its stdout lines (before END) and exit code.</summary>
    /// <exception cref="ProcessTimeoutException">No END line within <see cref="RunBound"/>; the host is killed.</exception>
    public static (int ExitCode, string[] Lines) RunHost(params string[] args)
    {
        using var h = Host(args);
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

    /// <summary>Waits for a stdout line starting with <paramref name="prefix"/> and returns it.</summary>
    public string WaitFor(string prefix, int timeoutMs = 30_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !_lines.TryTake(out string? line, remaining))
                throw new TimeoutException($"PID {Pid} did not print '{prefix}' (saw: {string.Join(" | ", _seen)})");
            _seen.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return line;
        }
    }

    public int WaitForInt(string prefix, int timeoutMs = 30_000) =>
        int.Parse(WaitFor(prefix, timeoutMs).Split(' ')[1], CultureInfo.InvariantCulture);

    /// <summary>Waits until <paramref name="text"/> appears anywhere in the output.</summary>
    public void WaitForOutput(string text, int ms = 30_000)
    {
        if (!SpinWait.SpinUntil(() => Output.Contains(text, StringComparison.Ordinal), ms))
            throw new TimeoutException($"PID {Pid} never printed '{text}':\n{Output}");
    }

    /// <summary>Every stdout line not yet consumed by <see cref="WaitFor"/>, once the child has exited and its output closed.</summary>
    public IReadOnlyList<string> RemainingLines(int ms = 10_000)
    {
        _stdoutClosed.Task.Wait(ms);
        var rest = new List<string>();
        while (_lines.TryTake(out string? line))
            rest.Add(line);
        return rest;
    }

    /// <summary>
    /// Waits for the exit, then for the output to close, both within <paramref name="ms"/> (a child that
    /// handed its lock to a descendant may leave the pipes open: then only the exit is awaited).
    /// </summary>
    public bool WaitForExit(int ms, bool drain = true)
    {
        var clock = Stopwatch.StartNew();
        if (!_process.WaitForExit(ms))
            return false;
        if (!drain)
            return true;
        var left = TimeSpan.FromMilliseconds(ms) - clock.Elapsed;
        if (!Task.WaitAll([_stdoutClosed.Task, _stderrClosed.Task], left > TimeSpan.Zero ? left : TimeSpan.Zero))
            throw new TimeoutException($"PID {Pid} exited but its output stayed open for {ms} ms:\n{Output}");
        return true;
    }

    /// <summary>Sends a signal through the pidfd pinned at start.</summary>
    public void Signal(string name)
    {
        Assert.True(Signals.TryParse(name, out int number), $"unknown signal {name}");
        if (_pinned is not null)
            Platforms.Current.SendSignal(_pinned, number);
    }

    /// <summary>SIGKILL through the pinned pidfd, then a bounded wait for the exit.</summary>
    public void Kill()
    {
        Signal("KILL");
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _pinned?.Dispose();
        _process.Dispose();
    }

    private void Receive(string? line, TaskCompletionSource closed, bool toLines)
    {
        if (line is null)
        {
            closed.TrySetResult();
            if (toLines)
                _lines.CompleteAdding();
            return;
        }
        _output.Enqueue(line);
        if (toLines)
            _lines.Add(line);
    }
}
