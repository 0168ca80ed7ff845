namespace PidGuard.Platform;

/// <summary>
/// The open(2) flags PidGuard uses, by meaning. Their bits differ between kernels and, on Linux,
/// between architectures: <see cref="NativeOpenFlags"/> turns them into the running system's values.
/// </summary>
[Flags]
internal enum OpenFlags
{
    /// <summary>O_RDONLY (0 everywhere).</summary>
    ReadOnly = 0,
    WriteOnly = 1 << 0,
    ReadWrite = 1 << 1,
    Create = 1 << 2,
    Exclusive = 1 << 3,
    NoFollow = 1 << 4,
    CloseOnExec = 1 << 5,
    Directory = 1 << 6,
    NonBlocking = 1 << 7,
    Append = 1 << 8,
    NoControllingTerminal = 1 << 9,
}
