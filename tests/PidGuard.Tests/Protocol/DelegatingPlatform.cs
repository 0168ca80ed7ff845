using PidGuard.Platform;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// The real (Linux) platform with single answers replaced, to reach a branch the machine cannot produce
/// on demand (no boot id, a lock holder named by the kernel, a failing call): a test overrides one
/// system call and calls <c>base</c> for the rest. The protocol code of the platform layer (atomic
/// writes, the lock file, the runtime directory) goes through the same virtual calls, so it meets the
/// replaced answer too.
/// </summary>
internal class DelegatingPlatform : LinuxPlatform
{
}
