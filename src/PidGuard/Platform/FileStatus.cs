namespace PidGuard.Platform;

/// <summary>The part of <c>stat(2)</c> PidGuard needs: identity, type, owner and mode.</summary>
internal readonly record struct FileStatus(ulong Device, ulong Inode, int Mode, uint OwnerUid, long Size, uint Links = 1)
{
    public int FileType => Mode & UnixConstants.SIfMt;
    public int Permissions => Mode & 0xFFF;
    public bool IsRegularFile => FileType == UnixConstants.SIfReg;
    public bool IsDirectory => FileType == UnixConstants.SIfDir;
    public bool IsSymbolicLink => FileType == UnixConstants.SIfLnk;
    public bool SameFileAs(FileStatus other) => Device == other.Device && Inode == other.Inode;

    public string Describe() => FileType switch
    {
        UnixConstants.SIfReg => "a regular file",
        UnixConstants.SIfDir => "a directory",
        UnixConstants.SIfLnk => "a symbolic link",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0x1000 => "a FIFO",
        0xC000 => "a socket",
        _ => "an unknown file type",
    };
}
