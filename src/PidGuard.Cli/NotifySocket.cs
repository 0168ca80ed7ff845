using System.Net.Sockets;
using System.Text;

namespace PidGuard.Cli;

/// <summary>
/// The sd_notify protocol's receiving end: a Unix datagram socket whose path the child finds in
/// NOTIFY_SOCKET. READY=1, STATUS=..., WATCHDOG=1 and STOPPING=1 are understood.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket;
    private readonly Thread _reader;
    private volatile bool _closed;

    public NotifySocket(string path, Action<string, string> onMessage)
    {
        Path = path;
        if (File.Exists(path))
            File.Delete(path); // a leftover of a supervisor that died; we hold the lock now
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        _reader = new Thread(() => Read(onMessage)) { IsBackground = true, Name = "sd_notify" };
        _reader.Start();
    }

    public string Path { get; }

    private void Read(Action<string, string> onMessage)
    {
        var buffer = new byte[4096];
        while (!_closed)
        {
            int n;
            try
            {
                n = _socket.Receive(buffer);
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            foreach (string line in Encoding.UTF8.GetString(buffer, 0, n).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = line.IndexOf('=');
                if (eq > 0)
                    onMessage(line[..eq], line[(eq + 1)..]);
            }
        }
    }

    public void Dispose()
    {
        _closed = true;
        _socket.Dispose();
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
