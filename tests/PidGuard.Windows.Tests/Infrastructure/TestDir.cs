namespace PidGuard.Windows.Tests.Infrastructure;

/// <summary>A scratch directory per test, under %TEMP%.</summary>
public sealed class TestDir : IDisposable
{
    public TestDir()
    {
        Root = Path.Join(Path.GetTempPath(), "pidguard-windows-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string File(string name) => Path.Join(Root, name);

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
