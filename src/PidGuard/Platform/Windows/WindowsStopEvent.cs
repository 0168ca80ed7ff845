using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// The graceful stop channel on Windows, where there is no SIGTERM: a named manual-reset event the
/// daemon creates and waits on; <c>pidguard stop</c> opens it and sets it.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsStopEvent
{
    /// <summary>
    /// Daemon side: creates the event, usable only by this user and SYSTEM (and, for a service
    /// running as LocalSystem, Administrators, who stop services). If the name already
    /// exists it must be owned by this user (a stopper may hold it open for a moment; anyone else
    /// holding the name could otherwise keep or fake our stop request).
    /// </summary>
    public static unsafe SafeObjectHandle Create(string name)
    {
        var user = WindowsUser.Current;
        bool service = string.Equals(user.UserSid, WindowsSids.LocalSystem, StringComparison.OrdinalIgnoreCase);
        using var descriptor = WindowsSecurityDescriptor.FromSddl($"D:P(A;;GA;;;{user.UserSid})(A;;GA;;;SY){(service ? "(A;;GA;;;BA)" : "")}");
        var attributes = Interop.SecurityAttributes.For((void*)descriptor.DangerousGetHandle());
        var handle = CreateEventEx(&attributes, name, CreateEventFlags.ManualReset, EventAccessRights.AllAccess);
        int error = Marshal.GetLastPInvokeError();
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new WindowsIOException(error, "CreateEventExW", name);
        }
        if (error == Interop.Errors.ERROR_ALREADY_EXISTS)
        {
            string? owner = WindowsSecurityDescriptor.OwnerOf(handle, Interop.Advapi32.SeObjectType.KernelObject);
            if (owner is not null && !user.IsSelf(owner))
            {
                handle.Dispose();
                throw new IOException($"The stop event '{name}' already exists and belongs to {owner}, not to this user.");
            }
        }
        return handle;
    }

    /// <summary>Stopper side: sets the event. <see cref="StopEventResult.NotFound"/> when no daemon created it.</summary>
    public static StopEventResult Signal(string name)
    {
        using var handle = OpenEvent(EventAccessRights.ModifyState, false, name);
        if (handle.IsInvalid)
        {
            int error = Marshal.GetLastPInvokeError();
            return error switch
            {
                Interop.Errors.ERROR_FILE_NOT_FOUND => StopEventResult.NotFound,
                Interop.Errors.ERROR_ACCESS_DENIED => StopEventResult.AccessDenied,
                _ => throw new WindowsIOException(error, "OpenEventW", name),
            };
        }
        if (!SetEvent(handle))
            throw WindowsIOException.Last("SetEvent", name);
        return StopEventResult.Signalled;
    }

    /// <summary>True once the event is set (false after <paramref name="timeoutMs"/>).</summary>
    public static bool Wait(SafeObjectHandle handle, int timeoutMs) =>
        WaitForSingleObject(handle, timeoutMs < 0 ? INFINITE : (uint)timeoutMs) == WAIT_OBJECT_0;

    /// <summary>A .NET wait handle over a duplicate of the event, for ThreadPool.RegisterWaitForSingleObject or WaitHandle.WaitAny.</summary>
    public static WaitHandle AsWaitHandle(SafeObjectHandle handle) =>
        new DuplicatedWaitHandle(new Microsoft.Win32.SafeHandles.SafeWaitHandle(Duplicate(handle), ownsHandle: true));

    private static nint Duplicate(SafeObjectHandle handle)
    {
        nint self = GetCurrentProcess();
        if (!DuplicateHandle(self, handle, self, out nint copy, 0, false, DUPLICATE_SAME_ACCESS))
            throw WindowsIOException.Last("DuplicateHandle", null);
        return copy;
    }
}

internal sealed class DuplicatedWaitHandle : WaitHandle
{
    public DuplicatedWaitHandle(Microsoft.Win32.SafeHandles.SafeWaitHandle handle) => SafeWaitHandle = handle;
}

internal enum StopEventResult
{
    Signalled,
    NotFound,
    AccessDenied,
}
