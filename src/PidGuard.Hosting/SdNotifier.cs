using System.Net.Sockets;
using System.Text;

namespace PidGuard.Hosting;

/// <summary>
/// <see cref="IDaemonNotifier"/> over the sd_notify protocol: a datagram to the socket named by
/// <c>NOTIFY_SOCKET</c>, read once at construction (a path, or '@' for the abstract namespace).
/// </summary>
internal sealed class SdNotifier : IDaemonNotifier
{
    private readonly UnixDomainSocketEndPoint? _endpoint;

    public SdNotifier()
        : this(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"))
    {
    }

    internal SdNotifier(string? socket)
    {
        if (!string.IsNullOrEmpty(socket))
            _endpoint = new UnixDomainSocketEndPoint(socket[0] == '@' ? "\0" + socket[1..] : socket);
    }

    public bool IsEnabled => _endpoint is not null;

    public bool Notify(string message)
    {
        if (_endpoint is null)
            return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.UTF8.GetBytes(message), _endpoint);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
