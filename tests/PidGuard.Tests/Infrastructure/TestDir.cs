namespace PidGuard.Tests.Infrastructure;

/// <summary>A scratch directory per test; <see cref="Runtime"/> does not exist yet, so the library creates it.</summary>
public sealed class TestDir : IDisposable
{
    public TestDir()
    {
        Root = Path.Join(Path.GetTempPath(), "pidguard-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        Runtime = Path.Join(Root, "run");
    }

    public string Root { get; }
    public string Runtime { get; }

    public PidGuardOptions Options(Action<PidGuardOptions>? configure = null)
    {
        var o = new PidGuardOptions { RuntimeDirectory = Runtime };
        configure?.Invoke(o);
        return o;
    }

    public DaemonPaths Paths(string name) => DaemonPaths.For(name, Runtime);

    /// <summary><see cref="InstanceLock.Acquire"/> in this directory, cancelled with the test.</summary>
    public InstanceLock Acquire(string name, Action<PidGuardOptions>? configure = null) =>
        InstanceLock.Acquire(name, Options(configure), cancellationToken: TestContext.Current.CancellationToken);

    /// <summary><see cref="InstanceLock.TryAcquire"/> in this directory, cancelled with the test.</summary>
    public InstanceLock? TryAcquire(string name, Action<PidGuardOptions>? configure = null) =>
        InstanceLock.TryAcquire(name, Options(configure), cancellationToken: TestContext.Current.CancellationToken);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
