using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        [Flags]
        internal enum CreateEventFlags : uint
        {
            None = 0,
            ManualReset = 0x1,
            InitialSet = 0x2,
        }

        [Flags]
        internal enum EventAccessRights : uint
        {
            None = 0,
            ModifyState = 0x0002,
            ReadControl = 0x0002_0000,
            Synchronize = 0x0010_0000,
            AllAccess = 0x001F_0003,
        }

        [LibraryImport(Libraries.Kernel32, EntryPoint = "CreateEventExW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        internal static unsafe partial SafeObjectHandle CreateEventEx(SecurityAttributes* securityAttributes, string? name, CreateEventFlags flags, EventAccessRights desiredAccess);

        [LibraryImport(Libraries.Kernel32, EntryPoint = "OpenEventW", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
        internal static partial SafeObjectHandle OpenEvent(EventAccessRights desiredAccess, [MarshalAs(UnmanagedType.Bool)] bool inheritHandle, string name);

        [LibraryImport(Libraries.Kernel32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static partial bool SetEvent(SafeObjectHandle evt);
    }
}
