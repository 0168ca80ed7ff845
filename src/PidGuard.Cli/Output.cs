using System.Text;

namespace PidGuard.Cli;

/// <summary>The tool's standard output and error (never System.Console; see <see cref="FdStream"/>).</summary>
internal static class Output
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static TextWriter Out { get; } = Writer(1);
    public static TextWriter Error { get; } = Writer(2);

    /// <summary>--quiet: messages for people are left out; data asked for (--json, list, logs, completion) and errors are not.</summary>
    public static bool Quiet { get; set; }

    /// <summary>A message for people on stdout ("started web (PID: 42)"), left out under --quiet.</summary>
    public static void Say(string line)
    {
        if (!Quiet)
            Out.WriteLine(line);
    }

    /// <summary>A warning on stderr (also under --quiet).</summary>
    public static void Warn(string line) => Error.WriteLine($"pidguard: warning: {line}");

    private static StreamWriter Writer(int fd) => new(new FdStream(fd), Utf8, 4096) { AutoFlush = true, NewLine = "\n" };
}
