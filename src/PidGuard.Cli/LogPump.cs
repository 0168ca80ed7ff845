using System.Runtime.InteropServices;
using PidGuard.Cli.Native;

namespace PidGuard.Cli;

/// <summary>
/// The pipe a supervised program writes its stdout and stderr to, and the thread that copies it to
/// the <see cref="LogFileWriter"/>. The supervisor makes the pipe's write end its own descriptors 1
/// and 2, so every program it starts inherits them, and keeps them for its life: the pipe never
/// reaches EOF and never decides anything. Whether the daemon runs is the lock's business alone, so
/// a background process of the program that keeps the pipe open holds nothing. When the supervisor
/// dies the read end goes with it: the program's next write gets SIGPIPE (EPIPE if it ignores the
/// signal) instead of blocking on a pipe nobody reads. The program never holds the read end.
/// </summary>
internal sealed unsafe class LogPump : IDisposable
{
    private const int PartialLineWait = 250; // ms without a newline before a partial line is written

    private readonly LogFileWriter _writer;
    private readonly int _readEnd;
    private readonly object _reading = new();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private volatile bool _stopping;
    private readonly Thread _thread;

    private LogPump(LogFileWriter writer, int readEnd)
    {
        _writer = writer;
        _readEnd = readEnd;
        _thread = new Thread(Loop) { IsBackground = true, Name = "pidguard-log" };
        _thread.Start();
    }

    /// <summary>Makes the pipe, puts its write end on descriptors 1 and 2 of this process, and starts copying.</summary>
    public static LogPump Start(LogFileWriter writer)
    {
        int* fds = stackalloc int[2];
        if (Libc.Pipe(fds) != 0)
            throw new IOException($"cannot create the log pipe: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        int read = fds[0], write = fds[1];
        Libc.Fcntl(read, Libc.FSetFd, Libc.FdCloExec);
        Libc.Fcntl(read, Libc.FSetFl, Libc.Fcntl(read, Libc.FGetFl, 0) | Libc.ONonBlock);
        if (Libc.Dup2(write, 1) < 0 || Libc.Dup2(write, 2) < 0)
            throw new IOException($"cannot attach the log pipe: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        Libc.Close(write);
        return new LogPump(writer, read);
    }

    /// <summary>Copies what the pipe holds now (the program has exited: its last words go before the exit line).</summary>
    public void Drain()
    {
        lock (_reading)
            ReadAvailable();
        _writer.FlushPartial();
    }

    private void Loop()
    {
        var poll = new Libc.PollFd { Fd = _readEnd, Events = Libc.PollIn };
        while (!_stopping)
        {
            // Idle supervisors sleep until there is output; only a partial line pending needs a timeout.
            int ready = Libc.Poll(&poll, 1, _writer.HasPartialLine ? PartialLineWait : -1);
            if (ready == 0)
            {
                _writer.FlushPartial();
                continue;
            }
            if (ready < 0)
                continue; // EINTR
            lock (_reading)
                ReadAvailable();
        }
    }

    private void ReadAvailable()
    {
        fixed (byte* buffer = _buffer)
        {
            // Bounded: a writer faster than the disk must not keep this loop (and a Drain) here forever.
            for (int i = 0; i < 64; i++)
            {
                nint n = Libc.Read(_readEnd, buffer, _buffer.Length);
                if (n > 0)
                {
                    _writer.WriteProgramOutput(new ReadOnlySpan<byte>(buffer, (int)n));
                    continue;
                }
                if (n < 0 && Marshal.GetLastPInvokeError() == Libc.EIntr)
                    continue;
                return; // EAGAIN: empty for now (EOF cannot happen: this process keeps the write end)
            }
        }
    }

    public void Dispose()
    {
        _stopping = true; // the thread may sleep in poll: it is a background thread, and Drain reads what is left
        Drain();
        _writer.Dispose();
    }
}
