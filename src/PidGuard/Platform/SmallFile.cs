namespace PidGuard.Platform;

/// <summary>What <see cref="IPlatform.ReadSmallFile"/> found.</summary>
internal enum SmallFileKind
{
    Missing,
    Read,
    SymbolicLink,
    NotRegularFile,
    TooLarge,
    CannotOpen,
    CannotRead,
}

/// <summary>A small file read whole, or why it was not.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="Content">The bytes (at most one more than the limit), for <see cref="SmallFileKind.Read"/>.</param>
/// <param name="Size">The size, for <see cref="SmallFileKind.TooLarge"/>.</param>
/// <param name="Detail">What the file is (<c>a directory</c>) or the system's error text.</param>
internal readonly record struct SmallFile(SmallFileKind Kind, byte[]? Content = null, long Size = 0, string? Detail = null);
