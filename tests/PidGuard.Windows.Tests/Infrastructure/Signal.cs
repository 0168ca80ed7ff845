namespace PidGuard.Windows.Tests.Infrastructure;

/// <summary>
/// A named manual-reset event shared by a test and its helper processes (Local\ namespace, unique
/// per test). The test creates it before starting the helper; the helper opens it by name.
/// </summary>
public sealed class Signal : IDisposable
{
    private readonly EventWaitHandle _event;

    public Signal(string purpose)
    {
        Name = $@"Local\PidGuard.Tests.{Guid.NewGuid():N}.{purpose}";
        _event = new EventWaitHandle(false, EventResetMode.ManualReset, Name);
    }

    public string Name { get; }

    public void Set() => _event.Set();

    /// <summary>True once set; every wait in the tests is bounded.</summary>
    public bool Wait(TimeSpan timeout) => _event.WaitOne(timeout);

    public void Dispose() => _event.Dispose();

    /// <summary>Helper side: sets an event the test created.</summary>
    public static void SetExisting(string name)
    {
        using var e = EventWaitHandle.OpenExisting(name);
        e.Set();
    }

    /// <summary>Helper side: waits for an event the test created.</summary>
    public static bool WaitExisting(string name, TimeSpan timeout)
    {
        using var e = EventWaitHandle.OpenExisting(name);
        return e.WaitOne(timeout);
    }
}
