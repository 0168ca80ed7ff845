using System.Text;

namespace PidGuard.Cli;

/// <summary>
/// Reads an environment file as systemd's EnvironmentFile= does: KEY=VALUE lines; blank lines and
/// lines starting with # or ; are comments; white space around the key and the value is dropped;
/// a value in single quotes is taken literally, one in double quotes takes \" \\ \$ \` escapes, and
/// either may span lines; outside quotes a backslash escapes the next character and one at the end
/// of a line continues it. A bad line is a usage error naming the file and the line.
/// </summary>
internal static class EnvFile
{
    /// <summary>Far beyond any real environment (Linux caps arguments and environment at 2 MiB).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    public static Dictionary<string, string> Read(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new CliError($"env file '{full}' does not exist", ExitCodes.Failure);
        string text;
        using (var file = RegularFile.OpenRead(full, "env file", followLinks: true))
        {
            if (file.Length > MaxBytes)
                throw CliError.Usage($"env file '{full}' is {file.Length} bytes, over the {MaxBytes}-byte limit (is it the right file?)");
            var bytes = new byte[file.Length];
            file.ReadExactly(bytes);
            try
            {
                text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw CliError.Usage($"env file '{full}' is not UTF-8 text");
            }
        }
        if (text.Length > 0 && text[0] == '\uFEFF')
            text = text[1..]; // a UTF-8 byte order mark, dropped as systemd drops it
        int nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
            throw Bad(full, 1 + text.AsSpan(0, nul).Count('\n'), "a NUL character, which no program can receive in its environment");
        return Parse(text, full);
    }

    public static Dictionary<string, string> Parse(string text, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        int i = 0, line = 1;
        while (i < text.Length)
        {
            int start = line;
            while (i < text.Length && text[i] is ' ' or '\t' or '\r')
                i++;
            if (i >= text.Length)
                break;
            if (text[i] == '\n' || text[i] is '#' or ';')
            {
                SkipLine(text, ref i, ref line);
                continue;
            }
            int keyStart = i;
            while (i < text.Length && text[i] is not ('=' or '\n'))
                i++;
            string key = text[keyStart..i].TrimEnd(' ', '\t', '\r');
            if (i >= text.Length || text[i] != '=')
                throw Bad(path, start, $"expected KEY=VALUE, found '{Shorten(key)}'");
            if (!IsName(key))
                throw Bad(path, start, $"'{Shorten(key)}' is not a variable name (letters, digits and _, not starting with a digit)");
            i++; // '='
            while (i < text.Length && text[i] is ' ' or '\t')
                i++;
            result[key] = Value(text, ref i, ref line, path, start);
        }
        return result;
    }

    private static string Value(string text, ref int i, ref int line, string path, int start)
    {
        var value = new StringBuilder();
        if (i < text.Length && text[i] is '\'' or '"')
        {
            char quote = text[i++];
            while (true)
            {
                if (i >= text.Length)
                    throw Bad(path, start, $"the value's {(quote == '"' ? "double" : "single")} quote is never closed");
                char c = text[i++];
                if (c == quote)
                    break;
                if (c == '\n')
                    line++;
                if (quote == '"' && c == '\\' && i < text.Length)
                {
                    char next = text[i++];
                    if (next == '\n')
                    {
                        line++;
                        continue; // line continuation
                    }
                    if (next is not ('"' or '\\' or '$' or '`'))
                        value.Append('\\');
                    value.Append(next);
                    continue;
                }
                value.Append(c);
            }
            while (i < text.Length && text[i] is ' ' or '\t' or '\r')
                i++;
            if (i < text.Length && text[i] != '\n')
                throw Bad(path, start, "unexpected text after the closing quote");
            if (i < text.Length)
            {
                i++;
                line++;
            }
            return value.ToString();
        }
        while (i < text.Length && text[i] != '\n')
        {
            char c = text[i++];
            if (c == '\\' && i < text.Length)
            {
                char next = text[i++];
                if (next == '\n')
                {
                    line++;
                    continue;
                }
                value.Append(next);
                continue;
            }
            value.Append(c);
        }
        if (i < text.Length)
        {
            i++;
            line++;
        }
        return value.ToString().TrimEnd(' ', '\t', '\r');
    }

    private static void SkipLine(string text, ref int i, ref int line)
    {
        while (i < text.Length && text[i] != '\n')
            i++;
        if (i < text.Length)
        {
            i++;
            line++;
        }
    }

    private static bool IsName(string key) =>
        key.Length > 0 && !char.IsAsciiDigit(key[0]) && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;

    private static CliError Bad(string path, int line, string problem) => CliError.Usage($"env file '{path}', line {line}: {problem}");
}
