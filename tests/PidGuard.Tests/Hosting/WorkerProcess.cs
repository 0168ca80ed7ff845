using System.Collections.Concurrent;
using System.Diagnostics;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Hosting;

/// <summary>The sample worker (samples/Worker) as a real process with its output captured.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    static WorkerProcess() => TestThreads.Ensure();

    private WorkerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Receive(e.Data, _stdoutClosed);
        process.ErrorDataReceived += (_, e) => Receive(e.Data, _stderrClosed);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static string Dll => Path.Join(AppContext.BaseDirectory, "Worker.dll");

    public int Pid => _process.Id;

    public string Output => string.Join('\n', _output);

    public static WorkerProcess Start(TestDir dir, params (string Key, string Value)[] settings)
    {
        var psi = new ProcessStartInfo(HostProcess.Dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir.Root };
        psi.ArgumentList.Add(Dll);
        psi.Environment["PidGuard__RuntimeDirectory"] = dir.Runtime;
        psi.Environment["Worker__IntervalMs"] = "100";
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        psi.Environment.Remove("NOTIFY_SOCKET");
        psi.Environment.Remove("PIDGUARD_SUPERVISOR_PID");
        foreach (var (key, value) in settings)
            psi.Environment[key] = value;
        return new WorkerProcess(Process.Start(psi)!);
    }

    /// <summary>
    /// Waits for the exit, then for the output to be drained, both within <paramref name="ms"/>. The worker
    /// starts no descendants, so its pipes close when it exits; a bug that broke that fails here, not by hanging.
    /// </summary>
    public bool WaitForExit(int ms)
    {
        var clock = Stopwatch.StartNew();
        if (!_process.WaitForExit(ms))
            return false;
        var left = TimeSpan.FromMilliseconds(ms) - clock.Elapsed;
        if (!Task.WaitAll([_stdoutClosed.Task, _stderrClosed.Task], left > TimeSpan.Zero ? left : TimeSpan.Zero))
            throw new TimeoutException($"worker {Pid} exited but its output stayed open for {ms} ms:\n{Output}");
        return true;
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public void WaitForOutput(string text, int ms = 30_000)
    {
        if (!SpinWait.SpinUntil(() => Output.Contains(text, StringComparison.Ordinal), ms))
            throw new TimeoutException($"worker {Pid} never printed '{text}':\n{Output}");
    }

    /// <summary>Sends a signal to this worker: our own child, not yet reaped.</summary>
    public void Signal(string name)
    {
        var p = PidGuard.Platform.Platforms.Current;
        Assert.True(p.Signals.TryParse(name, out int number));
        if (!_process.HasExited)
            p.Kill(_process.Id, number);
    }

    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill();
        WaitForExit(10_000);
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

    private void Receive(string? line, TaskCompletionSource closed)
    {
        if (line is null)
            closed.TrySetResult();
        else
            _output.Enqueue(line);
    }
}
