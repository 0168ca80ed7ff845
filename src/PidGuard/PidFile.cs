using PidGuard.Platform;

namespace PidGuard;

/// <summary>What a pid file holds, as far as PidGuard will trust it.</summary>
public enum PidFileKind
{
    /// <summary>There is no pid file.</summary>
    Missing,

    /// <summary>A regular file holding one decimal PID greater than 1.</summary>
    Valid,

    /// <summary>A regular file whose content is not a usable PID (empty, garbage, 0, 1, negative, too large).</summary>
    Invalid,

    /// <summary>Not a regular file (a symbolic link, a directory, a FIFO ...); never followed, read or removed.</summary>
    NotRegularFile,

    /// <summary>The file exists but could not be read (permissions, I/O error).</summary>
    Unreadable,
}

/// <summary>The result of reading a pid file.</summary>
/// <param name="Kind">What the file holds.</param>
/// <param name="Pid">The PID when <paramref name="Kind"/> is <see cref="PidFileKind.Valid"/>.</param>
/// <param name="Reason">Why the file is not valid, naming the file.</param>
public readonly record struct PidFileContent(PidFileKind Kind, int? Pid, string? Reason);

/// <summary>Reads and parses pid files strictly: a PID that fails any check is never signalled.</summary>
public static class PidFile
{
    /// <summary>A pid file longer than this is garbage, whatever it holds.</summary>
    public const int MaxLength = 32;

    /// <summary>Reads <paramref name="path"/> without following symbolic links or blocking on FIFOs.</summary>
    public static PidFileContent Read(string path) => Read(path, Platforms.Current);

    internal static PidFileContent Read(string path, IPlatform p)
    {
        var file = p.ReadSmallFile(path, MaxLength);
        return file.Kind switch
        {
            SmallFileKind.Missing => new(PidFileKind.Missing, null, null),
            SmallFileKind.SymbolicLink => new(PidFileKind.NotRegularFile, null, $"pid file '{path}' is a symbolic link; PidGuard does not follow it"),
            SmallFileKind.NotRegularFile => new(PidFileKind.NotRegularFile, null, $"pid file '{path}' is {file.Detail}, not a regular file"),
            SmallFileKind.TooLarge => new(PidFileKind.Invalid, null, $"pid file '{path}' is {file.Size} bytes long; a pid file holds at most {MaxLength}"),
            SmallFileKind.CannotOpen => new(PidFileKind.Unreadable, null, $"pid file '{path}' cannot be opened: {file.Detail}"),
            SmallFileKind.CannotRead => new(PidFileKind.Unreadable, null, $"pid file '{path}' cannot be read: {file.Detail}"),
            _ => Parse(file.Content, path),
        };
    }

    /// <summary>
    /// Parses pid file content: optional ASCII white space around one decimal number of at most
    /// ten digits, greater than 1 and at most <see cref="int.MaxValue"/>.
    /// </summary>
    public static PidFileContent Parse(ReadOnlySpan<byte> content, string path = "pid file")
    {
        if (content.Length > MaxLength)
            return Invalid(path, $"is longer than {MaxLength} bytes");
        var text = content.Trim(" \t\r\n"u8);
        if (text.IsEmpty)
            return Invalid(path, "is empty");
        long value = 0;
        foreach (byte b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                string shown = b == 0 ? "a NUL byte" : b is >= 0x20 and < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";
                return Invalid(path, $"holds {shown} where only decimal digits are allowed");
            }
            value = value * 10 + (b - '0');
            if (value > int.MaxValue)
                return Invalid(path, "holds a number larger than any PID");
        }
        return value switch
        {
            0 => Invalid(path, "holds PID 0, which would signal the whole process group"),
            1 => Invalid(path, "holds PID 1 (init), which is never a daemon PidGuard signals"),
            _ => new(PidFileKind.Valid, (int)value, null),
        };
    }

    private static PidFileContent Invalid(string path, string problem) =>
        new(PidFileKind.Invalid, null, $"{(path == "pid file" ? path : $"pid file '{path}'")} {problem}");
}
