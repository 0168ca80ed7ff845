using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Kernel32
    {
        internal enum DriveType : uint
        {
            Unknown = 0,
            NoRootDirectory = 1,
            Removable = 2,
            Fixed = 3,
            Remote = 4,
            CdRom = 5,
            RamDisk = 6,
        }

        /// <summary>The type of the volume whose root directory (with a trailing backslash) is given.</summary>
        [LibraryImport(Libraries.Kernel32, EntryPoint = "GetDriveTypeW", StringMarshalling = StringMarshalling.Utf16)]
        internal static partial DriveType GetDriveType(string rootPathName);
    }
}
