using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>
/// A platform whose lock cannot be passed to a child (Windows: a byte-range lock belongs to the process
/// that took it, and ends with it) hands a name off by the two ranges of the lock file instead: the
/// parent frees the Handoff range, the child takes it, the parent lets go of the Name range, the child
/// takes that. At every moment one of them is held, and acquirers need both, in that order.
/// </summary>
internal interface IRangeHandoff
{
    /// <summary>Parent, before it starts the child: keeps the Name range, frees the Handoff range.</summary>
    void OfferHandoff(SafeHandle lockFile, string path);

    /// <summary>Parent: true once another process holds the Handoff range (only an adopter can: acquirers stop at the Name range the parent holds).</summary>
    bool IsHandoffTaken(SafeHandle lockFile, string path);

    /// <summary>Parent, when the handoff failed: takes the Handoff range back (retrying past a probe); false when another process keeps it.</summary>
    bool TakeBackHandoff(SafeHandle lockFile, string path, int timeoutMs);
}
