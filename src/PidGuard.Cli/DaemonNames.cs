namespace PidGuard.Cli;

/// <summary>The daemon names of a runtime directory: every NAME.lock or NAME.pid with a valid NAME.</summary>
internal static class DaemonNames
{
    public static SortedSet<string> In(string directory)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
            return names;
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            string fileName = Path.GetFileName(file);
            string? name = fileName.EndsWith(".lock", StringComparison.Ordinal) ? fileName[..^5]
                : fileName.EndsWith(".pid", StringComparison.Ordinal) ? fileName[..^4] : null;
            if (name is not null && DaemonName.IsValid(name))
                names.Add(name);
        }
        return names;
    }
}
