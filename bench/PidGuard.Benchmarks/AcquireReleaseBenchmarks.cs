using BenchmarkDotNet.Attributes;

namespace PidGuard.Benchmarks;

/// <summary>
/// One whole instance-lock life in process: resolve + check the directory, open/flock the lock file,
/// write pid and state atomically (temp, write, [fsync], rename), then remove both and unlock.
/// Runs on tmpfs (/dev/shm) so the figure is the system calls plus PidGuard's own overhead.
/// </summary>
[MemoryDiagnoser]
public class AcquireReleaseBenchmarks
{
    private PidGuardOptions _options = null!;
    private string _dir = null!;

    [Params(true, false)]
    public bool Fsync { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Join(Environment.GetEnvironmentVariable("PIDGUARD_BENCH_DIR") ?? "/dev/shm", $"pidguard-bench-{Environment.ProcessId}");
        _options = new PidGuardOptions { RuntimeDirectory = _dir, SyncWrites = Fsync, CommandLine = ["bench"] };
        RuntimeDirectory.Ensure(_dir);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark]
    public void AcquireRelease()
    {
        using var l = InstanceLock.Acquire("bench", _options);
    }

    [Benchmark]
    public DaemonState StatusOfRunning()
    {
        using var l = InstanceLock.Acquire("probe", _options);
        return DaemonProbe.GetStatus("probe", _options).State;
    }
}
