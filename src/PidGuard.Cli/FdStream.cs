using System.Runtime.InteropServices;
using PidGuard.Cli.Native;

namespace PidGuard.Cli;

/// <summary>
/// A write-only stream over a raw descriptor (1 or 2). The tool never touches System.Console: its
/// first write initialises the terminal and sends keypad_xmit (ESC[?1h ESC=) to it, even when the
/// output is redirected. A reader that went away (EPIPE, `pidguard list | head -1`) is not an error.
/// </summary>
internal sealed unsafe class FdStream(int fd) : Stream
{
    private bool _broken;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            int done = 0;
            while (done < buffer.Length && !_broken)
            {
                nint n = Libc.Write(fd, start + done, buffer.Length - done);
                if (n >= 0)
                {
                    done += (int)n;
                    continue;
                }
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EIntr)
                    continue;
                _broken = true; // EPIPE, EBADF (closed), ENOSPC...: the output is gone; the exit code still tells
            }
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
