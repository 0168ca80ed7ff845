using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Advapi32;

namespace PidGuard.Platform.Windows;

/// <summary>Security descriptors from SDDL, and the owner and DACL of files and kernel objects.</summary>
[SupportedOSPlatform("windows")]
internal static class WindowsSecurityDescriptor
{
    public static SafeLocalAllocHandle FromSddl(string sddl)
    {
        if (!ConvertStringSecurityDescriptorToSecurityDescriptor(sddl, SDDL_REVISION_1, out var descriptor, out _))
        {
            var error = WindowsIOException.Last("ConvertStringSecurityDescriptorToSecurityDescriptorW", sddl);
            descriptor.Dispose();
            throw error;
        }
        return descriptor;
    }

    /// <summary>The owner SID of a kernel object or file handle; null when the object has no security (Wine may say so).</summary>
    public static string? OwnerOf(SafeHandle handle, SeObjectType type)
    {
        int error = GetSecurityInfo(handle, type, SecurityInformation.Owner, out nint owner, out _, out _, out _, out var descriptor);
        using (descriptor)
            return error == Interop.Errors.ERROR_SUCCESS && owner != 0 ? WindowsSids.ToText(owner) : null;
    }

    /// <summary>Owner and DACL of a file or directory itself (a reparse point is not followed).</summary>
    public static unsafe FileSecurity ReadPath(string path)
    {
        using var handle = Interop.Kernel32.CreateFile(path, Interop.Kernel32.FileAccessRights.ReadControl, Interop.Kernel32.FileShareMode.All, null,
            Interop.Kernel32.CreationDisposition.OpenExisting,
            Interop.Kernel32.FileFlagsAndAttributes.FlagBackupSemantics | Interop.Kernel32.FileFlagsAndAttributes.FlagOpenReparsePoint, 0);
        if (handle.IsInvalid)
            throw WindowsIOException.Last("CreateFileW", path);
        return ReadFile(handle, path);
    }

    /// <summary>Owner and DACL of a file or directory, read through an open handle.</summary>
    public static FileSecurity ReadFile(SafeHandle handle, string path)
    {
        int error = GetSecurityInfo(handle, SeObjectType.FileObject, SecurityInformation.Owner | SecurityInformation.Dacl,
            out nint owner, out _, out nint dacl, out _, out var descriptor);
        using (descriptor)
        {
            if (error != Interop.Errors.ERROR_SUCCESS)
                throw new WindowsIOException(error, "GetSecurityInfo", path);
            string? ownerSid = owner != 0 ? WindowsSids.ToText(owner) : null;
            var entries = dacl != 0 ? WindowsDacl.Entries(dacl) : null;
            return new FileSecurity(ownerSid, entries, Sddl(descriptor.DangerousGetHandle()));
        }
    }

    /// <summary>Replaces the DACL of a file or directory (protected: nothing inherited from the parent).</summary>
    public static void SetFileDacl(string path, string daclSddl)
    {
        using var descriptor = FromSddl(daclSddl);
        if (!GetSecurityDescriptorDacl(descriptor.DangerousGetHandle(), out _, out nint dacl, out _))
            throw WindowsIOException.Last("GetSecurityDescriptorDacl", daclSddl);
        int error = SetNamedSecurityInfo(path, SeObjectType.FileObject, SecurityInformation.Dacl | SecurityInformation.ProtectedDacl, 0, 0, dacl, 0);
        if (error != Interop.Errors.ERROR_SUCCESS)
            throw new WindowsIOException(error, "SetNamedSecurityInfoW", path);
    }

    public static string? Sddl(nint descriptor)
    {
        if (!ConvertSecurityDescriptorToStringSecurityDescriptor(descriptor, SDDL_REVISION_1,
                SecurityInformation.Owner | SecurityInformation.Group | SecurityInformation.Dacl, out var text, out _))
        {
            text.Dispose();
            return null;
        }
        using (text)
            return text.ReadUtf16String();
    }
}

/// <summary>An owner SID, the DACL's entries (null: no DACL, which grants everyone everything) and the SDDL for messages.</summary>
internal sealed record FileSecurity(string? OwnerSid, IReadOnlyList<DaclEntry>? Dacl, string? Sddl);
