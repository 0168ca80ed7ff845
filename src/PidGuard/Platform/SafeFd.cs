using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// A file descriptor owned by PidGuard. Releasing it only calls <c>close(2)</c>: unlike
/// .NET's SafeFileHandle it never calls <c>flock(LOCK_UN)</c>, which would drop the lock of a
/// process that inherited the same open file description.
/// </summary>
internal sealed class SafeFd : SafeHandle
{
    public SafeFd() : base(new IntPtr(-1), ownsHandle: true) { }

    public SafeFd(int fd, bool ownsHandle = true) : base(new IntPtr(-1), ownsHandle) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    public int Fd => (int)handle.ToInt64();

    protected override bool ReleaseHandle() => UnixNative.Close((int)handle.ToInt64()) == 0;
}
