using System.Runtime.InteropServices;

namespace PidGuard.Platform.Windows;

internal static partial class Interop
{
    internal static partial class Advapi32
    {
        internal const byte ACCESS_ALLOWED_ACE_TYPE = 0;
        internal const byte ACCESS_DENIED_ACE_TYPE = 1;

        [Flags]
        internal enum AceFlags : byte
        {
            None = 0,
            ObjectInherit = 0x1,
            ContainerInherit = 0x2,
            NoPropagateInherit = 0x4,
            InheritOnly = 0x8,
            Inherited = 0x10,
        }

        /// <summary>ACL: the header of a DACL, followed by <see cref="AceCount"/> ACEs.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct Acl
        {
            internal byte AclRevision;
            internal byte Sbz1;
            internal ushort AclSize;
            internal ushort AceCount;
            internal ushort Sbz2;
        }

        /// <summary>ACCESS_ALLOWED_ACE / ACCESS_DENIED_ACE: header, mask, then the SID in place.</summary>
        [StructLayout(LayoutKind.Sequential)]
        internal struct AccessAce
        {
            internal byte AceType;
            internal AceFlags AceFlags;
            internal ushort AceSize;
            internal uint Mask;
            internal uint SidStart;
        }

        [LibraryImport(Libraries.Advapi32, SetLastError = true)]
        [return: MarshalAs(UnmanagedType.Bool)]
        internal static unsafe partial bool GetAce(nint acl, int index, out AccessAce* ace);
    }
}
