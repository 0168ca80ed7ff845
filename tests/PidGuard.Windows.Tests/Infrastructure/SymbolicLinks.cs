using System.Runtime.InteropServices;

namespace PidGuard.Windows.Tests.Infrastructure;

/// <summary>Symbolic links (reparse points) for the tests that must see them refused.</summary>
public static partial class SymbolicLinks
{
    private const uint Directory = 0x1;
    private const uint AllowUnprivilegedCreate = 0x2;
    private const int ErrorPrivilegeNotHeld = 1314;

    /// <summary>
    /// Under Wine, a Unix symbolic link (Wine 8's CreateSymbolicLinkW is a stub that creates
    /// nothing); on Windows CreateSymbolicLinkW, skipping the test where that needs a privilege.
    /// </summary>
    public static void Create(string target, string link, bool directory)
    {
        if (Wine.IsRunningUnderWine)
        {
            Wine.SymbolicLink(target, link);
            return;
        }
        if (CreateSymbolicLink(link, target, (directory ? Directory : 0) | AllowUnprivilegedCreate))
            return;
        int error = Marshal.GetLastPInvokeError();
        if (error == ErrorPrivilegeNotHeld)
            Assert.Skip("creating a symbolic link needs Developer Mode or SeCreateSymbolicLinkPrivilege");
        Assert.Fail($"CreateSymbolicLinkW({link}) failed: {error}");
    }

    [LibraryImport("kernel32.dll", EntryPoint = "CreateSymbolicLinkW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool CreateSymbolicLink(string link, string target, uint flags);
}
