using System.Net.Sockets;
using System.Text;

namespace PidGuard.Hosting;

/// <summary>Sends sd_notify datagrams to <c>$NOTIFY_SOCKET</c> (a path, or '@' for the abstract namespace).</summary>
internal static class SdNotify
{
    public static string? SocketPath => Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 } s ? s : null;

    public static bool Send(string message)
    {
        if (SocketPath is not { } path)
            return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            string target = path[0] == '@' ? "\0" + path[1..] : path;
            socket.SendTo(Encoding.UTF8.GetBytes(message), new UnixDomainSocketEndPoint(target));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
