using System.Text.Json;
using PidGuard.Platform;

namespace PidGuard.Cli;

/// <summary>
/// Saves and loads <c>NAME.start.json</c> (0644) and <c>NAME.env</c> (0600, only the owner reads it:
/// the --env values) in the runtime directory, each written atomically (a dot-named temp file,
/// renamed over the target), so a reader sees the old or the new file, never half of one.
/// </summary>
internal static class StartDefinitionFiles
{
    private const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string DefinitionPath(DaemonPaths paths) => Path.Join(paths.Directory, paths.Name + ".start.json");

    public static string SecretsPath(DaemonPaths paths) => Path.Join(paths.Directory, paths.Name + ".env");

    public static void Save(DaemonPaths paths, StartRequest request)
    {
        Write(DefinitionPath(paths), JsonSerializer.SerializeToUtf8Bytes(StartDefinition.From(request), DefinitionJsonContext.Relaxed.StartDefinition), Public);
        if (request.Environment.Count > 0)
            Write(SecretsPath(paths), JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>(request.Environment), DefinitionJsonContext.Relaxed.DictionaryStringString), Secret);
        else
            RemoveIfRegular(SecretsPath(paths)); // a start without --env must not replay an older one's
    }

    /// <summary>The saved definition and --env values; null when nothing was saved.</summary>
    public static (StartDefinition Definition, Dictionary<string, string> Environment)? Load(DaemonPaths paths)
    {
        string path = DefinitionPath(paths);
        if (!File.Exists(path))
            return null;
        var definition = Parse(path, DefinitionJsonContext.Default.StartDefinition, "start definition");
        string secrets = SecretsPath(paths);
        var environment = File.Exists(secrets) || RegularFile.IsSymbolicLink(secrets) ? Parse(secrets, DefinitionJsonContext.Default.DictionaryStringString, "file of --env values") : [];
        string again = $"start the daemon again with 'pidguard start {paths.Name} -- COMMAND'";
        if (definition.SchemaVersion != StartDefinition.CurrentVersion)
            throw new CliError($"'{path}' has schemaVersion {definition.SchemaVersion}, which this pidguard does not know (it reads {StartDefinition.CurrentVersion}); {again}", ExitCodes.Failure);
        if (definition.Command.Count == 0 || definition.Command[0].Length == 0)
            throw new CliError($"'{path}' holds no command; {again}", ExitCodes.Failure);
        if (string.IsNullOrEmpty(definition.LogFile) || !Path.IsPathRooted(definition.LogFile))
            throw new CliError($"'{path}' holds no log file (an absolute path); {again}", ExitCodes.Failure);
        if (string.IsNullOrEmpty(definition.WorkingDirectory) || !Path.IsPathRooted(definition.WorkingDirectory))
            throw new CliError($"'{path}' holds no working directory (an absolute path); {again}", ExitCodes.Failure);
        if (definition.Umask is { } umask && !(umask.Length is > 0 and <= 5 && umask.All(c => c is >= '0' and <= '7')))
            throw new CliError($"'{path}' holds an umask that is not an octal mode; {again}", ExitCodes.Failure);
        if (definition.Command.Concat(definition.EnvFiles).Concat(environment.Keys).Concat(environment.Values).Any(t => t.Contains('\0', StringComparison.Ordinal)))
            throw new CliError($"'{path}' or its env values hold a NUL character; {again}", ExitCodes.Failure);
        return (definition, environment);
    }

    /// <summary>
    /// Reads a file of pidguard's own: never through a symbolic link, only a regular file of this user
    /// (or of the directory's owner when root reads it), and an error never quotes its content.
    /// </summary>
    private static T Parse<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what)
    {
        try
        {
            using var file = RegularFile.OpenRead(path, what);
            uint me = Native.Libc.GetEUid();
            uint fileOwner = OwnerOf(path);
            if (fileOwner != me && me != 0)
                throw new CliError($"{what} '{path}' belongs to uid {fileOwner}, not to you (uid {me}); pidguard does not read it", ExitCodes.Failure);
            return JsonSerializer.Deserialize(file, type) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            throw new CliError($"{what} '{path}' is not valid{where}: it is not the JSON pidguard writes; start the daemon again with 'pidguard start'", ExitCodes.Failure);
        }
    }

    private static uint OwnerOf(string path)
    {
        var st = Platforms.Current.LStat(path);
        return st?.OwnerUid ?? uint.MaxValue;
    }

    private static void Write(string path, byte[] content, UnixFileMode mode)
    {
        string temp = Path.Join(Path.GetDirectoryName(path), "." + Path.GetFileName(path) + ".tmp");
        RemoveIfRegular(temp); // a leftover of a writer that died mid-write
        using (var file = new FileStream(temp, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = mode }))
        {
            File.SetUnixFileMode(file.SafeFileHandle, mode); // the umask applied at creation
            file.Write(content);
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    public static void RemoveIfRegular(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.LinkTarget is null)
            info.Delete();
    }
}
