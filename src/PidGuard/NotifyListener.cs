using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;

using PidGuard.Platform;

namespace PidGuard;

/// <summary>
/// The receiving end of the sd_notify protocol (READY=1, STATUS=..., WATCHDOG=1 ...) for a supervised
/// program. On Linux it is a socket in the abstract namespace (so no path length limit, however long
/// the runtime directory and the name) with SO_PASSCRED: a datagram is accepted only from a process
/// of an allowed user, which the kernel vouches for, so no other user can fake readiness. Elsewhere
/// it is a socket file in the runtime directory, refused clearly when its path does not fit. Windows has
/// no datagram Unix sockets: a supervised program there is stopped through its daemon's stop event
/// (<see cref="DaemonStopRequest"/>) and reports nothing back.
/// </summary>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("macos")]
public sealed unsafe class NotifyListener : IDisposable
{
    private readonly SafeFd? _fd;
    private readonly System.Net.Sockets.Socket? _socket;
    private readonly string? _socketFile;
    private readonly Thread _reader;
    private readonly Func<uint, bool> _senderAllowed;
    private readonly Action<string, string> _onMessage;
    private volatile bool _closed;

    /// <summary>Binds the socket and starts listening.</summary>
    /// <param name="paths">The daemon, for the socket's name.</param>
    /// <param name="onMessage">Called with each KEY=VALUE line, on the listener's thread.</param>
    /// <param name="senderAllowed">
    /// Decides from the sender's uid (Linux: the kernel's SCM_CREDENTIALS) whether a datagram is
    /// accepted; the default accepts this process's effective user and root.
    /// </param>
    public NotifyListener(DaemonPaths paths, Action<string, string> onMessage, Func<uint, bool>? senderAllowed = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(onMessage);
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("The sd_notify listener needs a datagram Unix socket, which Windows does not have.");
        uint self = Platforms.Current.EffectiveUserId;
        _senderAllowed = senderAllowed ?? (uid => uid == self || uid == 0);
        _onMessage = onMessage;
        if (OperatingSystem.IsLinux())
        {
            string name = $"pidguard/{Platforms.Current.EffectiveUserId.ToString(CultureInfo.InvariantCulture)}/{paths.Name}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
            _fd = BindAbstract(name);
            Address = "@" + name;
        }
        else
        {
            _socketFile = Path.Join(paths.Directory, "." + paths.Name + ".notify");
            if (Encoding.UTF8.GetByteCount(_socketFile) >= 104)
                throw new PidGuardException($"The notify socket '{_socketFile}' does not fit in a Unix socket address (103 bytes); use a shorter runtime directory (--dir).", _socketFile);
            File.Delete(_socketFile); // a leftover of a supervisor that died; we hold the lock now
            _socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
            _socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(_socketFile));
            Address = _socketFile;
        }
        _reader = new Thread(Read) { IsBackground = true, Name = "sd_notify" };
        _reader.Start();
    }

    /// <summary>The value for the program's NOTIFY_SOCKET.</summary>
    public string Address { get; }

    private static SafeFd BindAbstract(string name)
    {
        int fd = NotifyNative.Socket(NotifyNative.AfUnix, NotifyNative.SockDgram | NotifyNative.SockCloExec, 0);
        if (fd < 0)
            throw new UnixIOException(Marshal.GetLastPInvokeError(), "socket(AF_UNIX)", null);
        var owned = new SafeFd(fd);
        try
        {
            int one = 1;
            if (NotifyNative.SetSockOpt(fd, NotifyNative.SolSocket, NotifyNative.SoPassCred, &one, sizeof(int)) != 0)
                throw new UnixIOException(Marshal.GetLastPInvokeError(), "setsockopt(SO_PASSCRED)", null);
            byte[] nameBytes = Encoding.UTF8.GetBytes(name);
            byte* address = stackalloc byte[2 + NotifyNative.SunPathLength];
            new Span<byte>(address, 2 + NotifyNative.SunPathLength).Clear();
            *(ushort*)address = NotifyNative.AfUnix;
            nameBytes.AsSpan().CopyTo(new Span<byte>(address + 3, NotifyNative.SunPathLength - 1)); // sun_path[0] = 0: abstract
            if (NotifyNative.Bind(fd, address, (uint)(3 + nameBytes.Length)) != 0)
                throw new UnixIOException(Marshal.GetLastPInvokeError(), "bind", "@" + name);
            return owned;
        }
        catch
        {
            owned.Dispose();
            throw;
        }
    }

    private void Read()
    {
        var buffer = new byte[4096];
        while (!_closed)
        {
            int n;
            uint? uid;
            try
            {
                (n, uid) = _fd is not null ? ReceiveWithCredentials(buffer) : (_socket!.Receive(buffer), null);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException or UnixIOException)
            {
                return;
            }
            if (n <= 0 || (_fd is not null && (uid is null || !_senderAllowed(uid.Value))))
                continue;
            foreach (string line in Encoding.UTF8.GetString(buffer, 0, n).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = line.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                    _onMessage(line[..eq], line[(eq + 1)..]);
            }
        }
    }

    /// <summary>Waits (in slices, so that Dispose ends the thread) for one datagram and the sender's uid.</summary>
    private (int Length, uint? Uid) ReceiveWithCredentials(byte[] buffer)
    {
        var pfd = new UnixNative.PollFd { Fd = _fd!.Fd, Events = NotifyNative.PollIn };
        while (true)
        {
            if (_closed)
                return (0, null);
            int ready = NotifyNative.Poll(&pfd, 1, 250);
            if (ready > 0)
                break;
            if (ready < 0 && Marshal.GetLastPInvokeError() != UnixConstants.EIntr)
                throw new UnixIOException(Marshal.GetLastPInvokeError(), "poll", Address);
        }
        int headerSize = sizeof(NotifyNative.CMsgHdr);
        int dataOffset = (headerSize + IntPtr.Size - 1) & ~(IntPtr.Size - 1);
        int controlSize = dataOffset + sizeof(NotifyNative.UCred) + IntPtr.Size;
        byte* control = stackalloc byte[controlSize];
        new Span<byte>(control, controlSize).Clear();
        fixed (byte* data = buffer)
        {
            var iov = new NotifyNative.IoVec { Base = data, Length = (nuint)buffer.Length };
            var message = new NotifyNative.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = (nuint)controlSize };
            nint n = NotifyNative.RecvMsg(_fd.Fd, &message, 0);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return errno == UnixConstants.EIntr ? (0, null) : throw new UnixIOException(errno, "recvmsg", Address);
            }
            var header = (NotifyNative.CMsgHdr*)control;
            bool hasCredentials = message.ControlLength >= (nuint)headerSize && header->Level == NotifyNative.SolSocket && header->Type == NotifyNative.ScmCredentials;
            uint? uid = hasCredentials ? ((NotifyNative.UCred*)(control + dataOffset))->Uid : null;
            return ((int)n, uid);
        }
    }

    /// <summary>Stops listening and removes the socket.</summary>
    public void Dispose()
    {
        _closed = true;
        _reader.Join(TimeSpan.FromSeconds(1));
        _fd?.Dispose();
        _socket?.Dispose();
        if (_socketFile is not null)
        {
            try
            {
                File.Delete(_socketFile);
            }
            catch (IOException)
            {
            }
        }
    }
}
