using System.Runtime.Versioning;
using static PidGuard.Platform.Windows.Interop.Advapi32;

namespace PidGuard.Platform.Windows;

/// <summary>One ACE of a DACL, with its SID as text.</summary>
internal readonly record struct DaclEntry(bool Allows, string Sid, uint Mask, AceFlags Flags);

/// <summary>Reading a DACL and deciding whether anyone but the owner may change a directory.</summary>
[SupportedOSPlatform("windows")]
internal static class WindowsDacl
{
    /// <summary>
    /// Every right that lets a holder add, remove, rename or re-secure entries: write/append data
    /// (add file / subdirectory), write EA and attributes, delete child, DELETE, WRITE_DAC,
    /// WRITE_OWNER, GENERIC_WRITE, GENERIC_ALL.
    /// </summary>
    public const uint WriteRights = 0x2 | 0x4 | 0x10 | 0x40 | 0x100 | 0x1_0000 | 0x4_0000 | 0x8_0000 | 0x4000_0000 | 0x1000_0000;

    public static unsafe IReadOnlyList<DaclEntry> Entries(nint dacl)
    {
        var header = (Acl*)dacl;
        var entries = new List<DaclEntry>(header->AceCount);
        for (int i = 0; i < header->AceCount; i++)
        {
            if (!GetAce(dacl, i, out AccessAce* ace))
                throw WindowsIOException.Last("GetAce", null);
            bool allows = ace->AceType == ACCESS_ALLOWED_ACE_TYPE;
            bool denies = ace->AceType == ACCESS_DENIED_ACE_TYPE;
            // Other ACE types (callback, object) are treated as granting, so that they are refused.
            string sid = allows || denies ? WindowsSids.ToText((nint)(&ace->SidStart)) : "(ACE type " + ace->AceType + ")";
            entries.Add(new DaclEntry(!denies, sid, ace->Mask, ace->AceFlags));
        }
        return entries;
    }

    /// <summary>
    /// The first entry that lets someone other than <paramref name="trusted"/> write, or null.
    /// Inherit-only entries do not apply to the directory itself and are skipped.
    /// </summary>
    public static DaclEntry? FirstForeignWriter(IEnumerable<DaclEntry> entries, Func<string, bool> trusted)
    {
        foreach (var entry in entries)
        {
            if (!entry.Allows || (entry.Flags & AceFlags.InheritOnly) != 0)
                continue;
            if ((entry.Mask & WriteRights) != 0 && !trusted(entry.Sid))
                return entry;
        }
        return null;
    }
}
