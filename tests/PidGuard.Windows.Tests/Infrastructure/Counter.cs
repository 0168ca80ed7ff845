namespace PidGuard.Windows.Tests.Infrastructure;

/// <summary>A named semaphore that helper processes release once each; the test waits for all of them.</summary>
public sealed class Counter : IDisposable
{
    private readonly Semaphore _semaphore;
    private readonly int _expected;

    public Counter(string purpose, int expected)
    {
        Name = $@"Local\PidGuard.Tests.{Guid.NewGuid():N}.{purpose}";
        _expected = expected;
        _semaphore = new Semaphore(0, expected, Name);
    }

    public string Name { get; }

    /// <summary>True once every one of the expected releases arrived within <paramref name="timeout"/> in all.</summary>
    public bool WaitForAll(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (int i = 0; i < _expected; i++)
        {
            var left = deadline - DateTime.UtcNow;
            if (left < TimeSpan.Zero || !_semaphore.WaitOne(left))
                return false;
        }
        return true;
    }

    public void Dispose() => _semaphore.Dispose();

    /// <summary>Helper side: counts this process in.</summary>
    public static void ReleaseExisting(string name)
    {
        using var semaphore = Semaphore.OpenExisting(name);
        semaphore.Release();
    }
}
