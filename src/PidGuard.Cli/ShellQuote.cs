using System.Text;

namespace PidGuard.Cli;

/// <summary>Shows a command line the way a POSIX shell would take it back: `--save ''`, `'two words'`, `'it'\''s'`.</summary>
internal static class ShellQuote
{
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Word));

    public static string Word(string word)
    {
        if (word.Length > 0 && word.All(IsPlain))
            return word;
        var quoted = new StringBuilder("'");
        foreach (char c in word)
            quoted.Append(c == '\'' ? "'\\''" : c.ToString());
        return quoted.Append('\'').ToString();
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || "@%+=:,./_-".Contains(c);
}
