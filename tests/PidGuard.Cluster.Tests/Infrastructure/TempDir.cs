namespace PidGuard.Cluster.Tests.Infrastructure;

/// <summary>A private temporary directory (a runtime directory standing in for one host), removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Path = Directory.CreateTempSubdirectory("pidguard-cluster-").FullName;

    public string Path { get; }

    /// <summary>A fresh sub-directory: one per simulated host.</summary>
    public string Sub(string name)
    {
        string p = System.IO.Path.Join(Path, name);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
