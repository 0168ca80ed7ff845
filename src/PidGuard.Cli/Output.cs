using System.Text;

namespace PidGuard.Cli;

/// <summary>The tool's standard output and error (never System.Console; see <see cref="FdStream"/>).</summary>
internal static class Output
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static TextWriter Out { get; } = Writer(1);

    /// <summary>stderr: every control character but the newline and tab is shown escaped (\e, \x9b), whatever writes it.</summary>
    public static TextWriter Error { get; } = new VisibleWriter(Writer(2));

    /// <summary>--quiet: messages for people are left out; data asked for (--json, list, logs, completion) and errors are not.</summary>
    public static bool Quiet { get; set; }

    /// <summary>A message for people on stdout ("started web (PID: 42)"), left out under --quiet.</summary>
    public static void Say(string line)
    {
        if (!Quiet)
            Out.WriteLine(Visible(line));
    }

    /// <summary>A warning on stderr (also under --quiet).</summary>
    public static void Warn(string line) => Error.WriteLine($"pidguard: warning: {Visible(line)}");

    /// <summary>
    /// Text for people with every control character shown, never acted on by a terminal: C0 (the
    /// newline and carriage return included: one message stays one line), DEL and C1 become \e, \n,
    /// \r, \t or \xHH. Command lines, status texts, paths and names a daemon or a user supplied go
    /// through it; JSON output does not (it is exact, and escapes them itself).
    /// </summary>
    public static string Visible(string text, bool keepNewlines = false)
    {
        int i = 0;
        while (i < text.Length && !NeedsEscape(text[i], keepNewlines))
            i++;
        if (i == text.Length)
            return text;
        var shown = new StringBuilder(text.Length + 8).Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(c, keepNewlines))
                shown.Append(c);
            else
                shown.Append(Escape(c));
        }
        return shown.ToString();
    }

    public static bool IsControl(char c) => c < 0x20 || c is >= (char)0x7F and <= (char)0x9F;

    private static bool NeedsEscape(char c, bool keepNewlines) => IsControl(c) && !(keepNewlines && c is '\n' or '\t');

    /// <summary>\e, \n, \r, \t, \xHH.</summary>
    public static string Escape(char c) => c switch
    {
        '\x1b' => "\\e",
        '\n' => "\\n",
        '\r' => "\\r",
        '\t' => "\\t",
        _ => $"\\x{((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)}",
    };

    /// <summary>Shows control characters (but the newline and tab) escaped in everything written through it.</summary>
    private sealed class VisibleWriter(TextWriter inner) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            if (NeedsEscape(value, keepNewlines: true))
                inner.Write(Escape(value));
            else
                inner.Write(value);
        }

        public override void Write(string? value) => inner.Write(value is null ? null : Visible(value, keepNewlines: true));

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value)
        {
            Write(value);
            inner.Write('\n');
        }

        public override void WriteLine() => inner.Write('\n');

        public override void Flush() => inner.Flush();
    }

    private static StreamWriter Writer(int fd) => new(new FdStream(fd), Utf8, 4096) { AutoFlush = true, NewLine = "\n" };
}
