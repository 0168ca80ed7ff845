using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace PidGuard.Platform;

/// <summary>
/// macOS: stat with 64-bit inodes, start tokens from the process start time, no /proc (lock holders,
/// groups and sessions cannot be listed, so nothing is concluded from them). Never run by the test
/// suites: compiled and kept honest, see the README.
/// </summary>
[SupportedOSPlatform("macos")]
internal sealed unsafe class MacPlatform : UnixPlatform
{
    private readonly bool _arm64;

    public MacPlatform()
        : base(UnixConstants.MacOS(RuntimeInformation.ProcessArchitecture), SignalTable.MacOS())
    {
        _arm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
    }

    public override string? BootId => null;

    // Apple arm64 passes variadic arguments on the stack: eight register-sized pads put `mode`
    // exactly where open(2)'s va_arg reads it.
    protected override int OpenNative(string path, int flags, int mode) =>
        _arm64 ? UnixNative.OpenAppleArm64(path, flags, 0, 0, 0, 0, 0, 0, mode) : UnixNative.Open(path, flags, mode);

    protected override FileStatus? StatPath(string path, bool followLinks)
    {
        byte* buf = stackalloc byte[MacNative.StatBufferSize];
        int rc = followLinks
            ? (_arm64 ? MacNative.StatArm64(path, buf) : MacNative.StatX64(path, buf))
            : (_arm64 ? MacNative.LStatArm64(path, buf) : MacNative.LStatX64(path, buf));
        if (rc == 0)
            return MacNative.ParseStat(buf);
        int errno = Marshal.GetLastPInvokeError();
        if (errno is UnixConstants.ENoEnt or UnixConstants.ENotDir)
            return null;
        throw new UnixIOException(errno, "stat", path);
    }

    public override FileStatus FStat(SafeFd fd, string path)
    {
        byte* buf = stackalloc byte[MacNative.StatBufferSize];
        if ((_arm64 ? MacNative.FStatArm64(fd.Fd, buf) : MacNative.FStatX64(fd.Fd, buf)) == 0)
            return MacNative.ParseStat(buf);
        throw new UnixIOException(Marshal.GetLastPInvokeError(), "fstat", path);
    }

    public override string? GetStartToken(int pid)
    {
        if (pid <= 0)
            return null;
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public override string? NetworkFileSystemName(string path)
    {
        byte* buf = stackalloc byte[MacNative.StatFsBufferSize];
        int rc = _arm64 ? MacNative.StatFsArm64(path, buf) : MacNative.StatFsX64(path, buf);
        if (rc != 0)
            return null;
        var name = new ReadOnlySpan<byte>(buf + 72, 16);
        int end = name.IndexOf((byte)0);
        string fs = Encoding.ASCII.GetString(end < 0 ? name : name[..end]);
        return fs is "nfs" or "smbfs" or "afpfs" or "webdav" ? fs : null;
    }

    protected override int SigInfoStatusOffset => 20;

    public override IReadOnlyList<int> FindLockHolders(FileStatus lockFile) => [];

    public override bool HoldsLock(int pid, FileStatus lockFile) => false;

    public override IReadOnlyList<int> ProcessGroupMembers(int processGroup) => [];

    public override IReadOnlyList<int> SessionMembers(int session) => [];

    public override ProcessStatus? GetProcessStatus(int pid) => null;

    public override bool CanSeeLockHolders => false;
}
