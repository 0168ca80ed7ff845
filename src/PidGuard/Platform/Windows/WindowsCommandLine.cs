using System.Runtime.Versioning;
using System.Text;

namespace PidGuard.Platform.Windows;

/// <summary>
/// Builds a CreateProcess command line that CommandLineToArgvW and the C runtime split back into
/// exactly the given arguments (backslashes are literal except before a quote).
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsCommandLine
{
    public static string Build(string program, IEnumerable<string> arguments)
    {
        var line = new StringBuilder();
        // argv[0] is split by different rules (no escapes at all): quote it plainly.
        if (program.Contains('"', StringComparison.Ordinal))
            throw new ArgumentException($"A program path cannot contain a double quote: {program}", nameof(program));
        line.Append('"').Append(program).Append('"');
        foreach (string argument in arguments)
        {
            line.Append(' ');
            Append(line, argument);
        }
        return line.ToString();
    }

    private static void Append(StringBuilder line, string argument)
    {
        if (argument.Length > 0 && argument.AsSpan().IndexOfAny(" \t\n\v\"") < 0)
        {
            line.Append(argument);
            return;
        }
        line.Append('"');
        int backslashes = 0;
        foreach (char c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            // Backslashes before a quote are doubled, and the quote escaped.
            line.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            line.Append(c);
            backslashes = 0;
        }
        // Backslashes before the closing quote are doubled.
        line.Append('\\', backslashes * 2).Append('"');
    }

    /// <summary>
    /// A CREATE_UNICODE_ENVIRONMENT block: KEY=VALUE strings sorted case-insensitively (Windows
    /// expects the order), each NUL-terminated, then a final NUL.
    /// </summary>
    public static string EnvironmentBlock(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var block = new StringBuilder();
        foreach (var (key, value) in variables.OrderBy(v => v.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal) || value.Contains('\0', StringComparison.Ordinal))
                throw new ArgumentException($"Invalid environment variable '{key}'.", nameof(variables));
            block.Append(key).Append('=').Append(value).Append('\0');
        }
        return block.Append('\0').ToString();
    }
}
