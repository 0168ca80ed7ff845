using System.Globalization;
using System.Text;
using PidGuard.Platform;

namespace PidGuard.Cli;

/// <summary>
/// The supervisor's side of a daemon's log: appends whole lines to the log file (O_APPEND, so a
/// `copytruncate` by logrotate simply starts it again at 0), rotates it past --log-max-size
/// (NAME.log → NAME.log.1 → ... → NAME.log.N, the oldest dropped, like svlogd and pm2-logrotate),
/// reopens it when it was moved away (logrotate's create mode, checked at most once a second, or at
/// once on `pidguard logs NAME --reopen`), and never blocks or stops on a write error: on a full
/// disk the output is dropped, counted, and the loss is written once the disk takes writes again.
/// Thread-safe: the pump and the supervisor's own messages take turns, line by line.
/// </summary>
internal sealed class LogFileWriter : IDisposable
{
    private const int MaxPartialLine = 64 * 1024;
    private static readonly TimeSpan ReopenCheckInterval = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan RotationRetryInterval = TimeSpan.FromSeconds(60);

    private readonly UnixPlatform _p = ToolPlatform.Unix;
    private readonly object _gate = new();
    private readonly string _path;
    private readonly long? _maxSize;
    private readonly int _keep;
    private readonly MemoryStream _partial = new();
    private SafeFd? _fd;
    private FileStatus _opened;
    private long _size;
    private DateTime _checkedAt;
    private long _lost;
    private string? _lostWhy;
    private bool _reopenRequested;
    private bool _midLine; // a partial program line was written: the next line of ours starts on a line of its own
    private DateTime _rotationBlockedUntil; // a rotation failed: write on to the current file until then
    private string? _rotationFailure; // the reason already logged (logged once, not for every retry)

    public LogFileWriter(string path, long? maxSize, int keep)
    {
        _path = path;
        _maxSize = maxSize;
        _keep = keep;
        Open();
    }

    /// <summary>Program output: complete lines are written, a trailing partial line waits for its end (or <see cref="FlushPartial"/>).</summary>
    public void WriteProgramOutput(ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            int lastNewline = data.LastIndexOf((byte)'\n');
            if (lastNewline < 0)
            {
                _partial.Write(data);
                if (_partial.Length >= MaxPartialLine)
                    FlushPartialLocked();
                return;
            }
            if (_partial.Length > 0)
            {
                _partial.Write(data[..(lastNewline + 1)]);
                WriteLines(_partial.GetBuffer().AsSpan(0, (int)_partial.Length));
                _partial.SetLength(0);
            }
            else
            {
                WriteLines(data[..(lastNewline + 1)]);
            }
            _partial.Write(data[(lastNewline + 1)..]);
        }
    }

    /// <summary>True while a program line waits for its newline.</summary>
    public bool HasPartialLine
    {
        get
        {
            lock (_gate)
                return _partial.Length > 0;
        }
    }

    /// <summary>Writes a line that has waited for its newline too long (the program paused mid-line, or exited).</summary>
    public void FlushPartial()
    {
        lock (_gate)
            FlushPartialLocked();
    }

    /// <summary>A line of the supervisor's own (already timestamped); a program line in progress stays after it, whole.</summary>
    public void WriteLine(string line)
    {
        lock (_gate)
            WriteLines(Encoding.UTF8.GetBytes((_midLine ? "\n" : "") + line + "\n"));
    }

    /// <summary>`pidguard logs NAME --reopen`: open the path again at the next write (logrotate's postrotate).</summary>
    public void RequestReopen()
    {
        lock (_gate)
            _reopenRequested = true;
    }

    private void FlushPartialLocked()
    {
        if (_partial.Length == 0)
            return;
        WriteLines(_partial.GetBuffer().AsSpan(0, (int)_partial.Length));
        _partial.SetLength(0);
    }

    /// <summary>Writes whole lines, rotating between lines so no line is split across two files.</summary>
    private void WriteLines(ReadOnlySpan<byte> lines)
    {
        ReopenIfMoved();
        ReportLoss();
        while (lines.Length > 0)
        {
            int take = lines.Length;
            // After a failed rotation the current file grows past the limit rather than the pipe wait:
            // the next try comes after RotationRetryInterval, never in a loop.
            if (_maxSize is { } max && _size + take > max && DateTime.UtcNow >= _rotationBlockedUntil)
            {
                if (_size > 0 && _size >= max)
                {
                    Rotate();
                    continue;
                }
                // Fill this file up to the limit with whole lines; a single line longer than the limit goes alone.
                int fit = (int)Math.Max(0, max - _size);
                int cut = fit > 0 ? lines[..Math.Min(fit, lines.Length)].LastIndexOf((byte)'\n') + 1 : 0;
                if (cut == 0 && _size > 0)
                {
                    Rotate();
                    continue;
                }
                take = cut == 0 ? lines.IndexOf((byte)'\n') + 1 is > 0 and var one ? one : lines.Length : cut;
            }
            Append(lines[..take]);
            lines = lines[take..];
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (_fd is null)
        {
            Lose(data.Length, "the log file could not be opened");
            return;
        }
        try
        {
            _p.WriteAll(_fd, data, _path);
            _size += data.Length;
            _midLine = data[^1] != (byte)'\n';
        }
        catch (UnixIOException e)
        {
            Lose(data.Length, e.Message);
        }
    }

    private void Lose(long bytes, string why)
    {
        _lost += bytes;
        _lostWhy = why;
    }

    private void ReportLoss()
    {
        if (_lost == 0 || _fd is null)
            return;
        string line = $"{Supervisor.Timestamp()} pidguard: {_lost.ToString(CultureInfo.InvariantCulture)} bytes of output were lost: {_lostWhy}\n";
        long lost = _lost;
        _lost = 0;
        try
        {
            _p.WriteAll(_fd, Encoding.UTF8.GetBytes(line), _path);
            _size += line.Length;
        }
        catch (UnixIOException)
        {
            _lost = lost; // still failing: keep counting
        }
    }

    private void ReopenIfMoved()
    {
        var now = DateTime.UtcNow;
        if (!_reopenRequested && _fd is not null && now - _checkedAt < ReopenCheckInterval)
            return;
        _checkedAt = now;
        bool moved = _reopenRequested || _fd is null || _p.LStat(_path) is not { } current || !current.SameFileAs(_opened);
        _reopenRequested = false;
        if (moved)
            Open();
        else if (_fd is not null)
            _size = _p.FStat(_fd, _path).Size; // truncated by copytruncate, or grown by another writer
    }

    private void Open()
    {
        _fd?.Dispose();
        _fd = null;
        var fd = _p.TryOpen(_path, OpenFlags.WriteOnly | OpenFlags.Append | OpenFlags.Create | OpenFlags.CloseOnExec | OpenFlags.NoFollow
            | OpenFlags.NonBlocking | OpenFlags.NoControllingTerminal, 0x1A4, out int errno);
        if (fd is null)
        {
            Lose(0, $"cannot open '{_path}': {new UnixIOException(errno, "open", null).Message}");
            return;
        }
        var st = _p.FStat(fd, _path);
        if (!st.IsRegularFile)
        {
            fd.Dispose();
            Lose(0, $"'{_path}' is {st.Describe()}, not a regular file");
            return;
        }
        _fd = fd;
        _opened = st;
        _size = st.Size;
        _checkedAt = DateTime.UtcNow;
    }

    private void Rotate()
    {
        // Only the file this writer has open is rotated: one that replaced it is someone else's, reopened instead.
        string? failure = null;
        if (_fd is not null && _p.LStat(_path) is { } current && current.SameFileAs(_opened))
        {
            try
            {
                for (int n = _keep - 1; n >= 1; n--)
                {
                    string from = LogRotation.Rotated(_path, n);
                    if (_p.LStat(from) is { IsRegularFile: true })
                        _p.Rename(from, LogRotation.Rotated(_path, n + 1));
                }
                _p.Rename(_path, LogRotation.Rotated(_path, 1));
            }
            catch (UnixIOException e)
            {
                failure = $"cannot rotate '{_path}': {e.Message}";
            }
        }
        Open();
        if (failure is null && _fd is not null)
        {
            _rotationFailure = null;
            return;
        }
        // Could not rotate (or open a fresh file): write on to the current file, and try again later, not for every line.
        _rotationBlockedUntil = DateTime.UtcNow + RotationRetryInterval;
        failure ??= $"cannot rotate '{_path}': the log file could not be opened";
        if (failure != _rotationFailure && _fd is not null)
        {
            _rotationFailure = failure;
            string line = $"{(_midLine ? "\n" : "")}{Supervisor.Timestamp()} pidguard: {failure}; writing on to it, trying again in {TimeText.Of(RotationRetryInterval)}\n";
            try
            {
                _p.WriteAll(_fd, Encoding.UTF8.GetBytes(line), _path);
                _size += line.Length;
                _midLine = false;
            }
            catch (UnixIOException e)
            {
                Lose(0, e.Message);
            }
        }
        else if (_fd is null)
        {
            Lose(0, failure);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            FlushPartialLocked();
            _fd?.Dispose();
            _fd = null;
        }
    }
}
