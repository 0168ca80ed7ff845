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
        if (word.Any(Output.IsControl))
            return AnsiC(word);
        var quoted = new StringBuilder("'");
        foreach (char c in word)
            quoted.Append(c == '\'' ? "'\\''" : c.ToString());
        return quoted.Append('\'').ToString();
    }

    /// <summary>bash's $'...': control characters shown as \e, \n, \r, \t, \xHH (C0, DEL) or \u00HH (C1), never raw.</summary>
    private static string AnsiC(string word)
    {
        var quoted = new StringBuilder("$'");
        foreach (char c in word)
        {
            if (c is '\\' or '\'')
                quoted.Append('\\').Append(c);
            else if (c is >= (char)0x80 and <= (char)0x9F)
                quoted.Append("\\u00").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            else if (Output.IsControl(c))
                quoted.Append(Output.Escape(c));
            else
                quoted.Append(c);
        }
        return quoted.Append('\'').ToString();
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || "@%+=:,./_-".Contains(c);
}
