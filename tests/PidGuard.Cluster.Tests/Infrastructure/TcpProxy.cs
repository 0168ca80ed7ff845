using System.Net;
using System.Net.Sockets;

namespace PidGuard.Cluster.Tests.Infrastructure;

/// <summary>
/// A loopback TCP proxy in front of the test server. <see cref="Partition"/> stops forwarding in
/// both directions and stops accepting, while every socket stays open: to the client the server
/// goes silent, to the server the client goes silent (the proxy's kernel still acknowledges, as a
/// frozen peer's would).
/// </summary>
public sealed class TcpProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _partitioned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Socket> _sockets = [];

    public TcpProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    public int Port { get; }

    public bool IsPartitioned => _partitioned.Task.IsCompleted;

    public void Partition() => _partitioned.TrySetResult();

    private async Task AcceptLoopAsync()
    {
        while (!_closed.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_closed.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Track(client);
            if (IsPartitioned)
                continue; // accepted by the kernel, never answered
            var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            Track(upstream);
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _closed.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                client.Dispose();
                continue;
            }
            _ = PumpAsync(client, upstream);
            _ = PumpAsync(upstream, client);
        }
    }

    private void Track(Socket s)
    {
        lock (_sockets)
            _sockets.Add(s);
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var read = from.ReceiveAsync(buffer, SocketFlags.None, _closed.Token).AsTask();
                if (await Task.WhenAny(read, _partitioned.Task) != read)
                {
                    await Task.Delay(Timeout.Infinite, _closed.Token); // silent from now on; sockets stay open
                    return;
                }
                int n = await read;
                if (n == 0 || IsPartitioned)
                {
                    if (n == 0)
                        to.Shutdown(SocketShutdown.Send);
                    if (IsPartitioned)
                        await Task.Delay(Timeout.Infinite, _closed.Token);
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _closed.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _closed.Cancel();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var s in _sockets)
                s.Dispose();
        }
    }
}
