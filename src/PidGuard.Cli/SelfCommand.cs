namespace PidGuard.Cli;

/// <summary>How to start this tool again (NativeAOT binary, apphost, or `dotnet pidguard.dll`).</summary>
internal static class SelfCommand
{
    public static IReadOnlyList<string> Get()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path");
        string exe = Path.GetFileNameWithoutExtension(process);
        if (string.Equals(exe, "dotnet", StringComparison.Ordinal))
            return [process, Path.Join(AppContext.BaseDirectory, "PidGuard.Cli.dll")];
        return [process];
    }
}
