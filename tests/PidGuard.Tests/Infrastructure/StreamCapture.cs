using System.Text;

namespace PidGuard.Tests.Infrastructure;

/// <summary>
/// Reads a child's redirected stream in the background, so that a wait on the child can be bounded
/// and <see cref="Text"/> still has everything the child wrote so far when it is not.
/// </summary>
public sealed class StreamCapture
{
    private readonly StringBuilder _text = new();

    private StreamCapture(StreamReader reader) => Completion = Task.Run(() => Pump(reader));

    /// <summary>Completes at end of stream: when every process holding the pipe's write end has closed it.</summary>
    public Task Completion { get; }

    public string Text
    {
        get
        {
            lock (_text)
                return _text.ToString();
        }
    }

    public static StreamCapture Start(StreamReader reader) => new(reader);

    private async Task Pump(StreamReader reader)
    {
        var buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (_text)
                _text.Append(buffer, 0, n);
        }
    }
}
