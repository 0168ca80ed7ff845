using System.Globalization;
using System.Runtime.InteropServices;
using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// What Adopt does to the inherited descriptor itself: it stops it reaching grandchildren, leaves a
/// refused one open for its owner, and releasing an adopted lock never unlocks a description a parent shares.
/// </summary>
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class AdoptDescriptorTests : IDisposable
{
    private const int OCloExecFlag = 0x80000; // O_CLOEXEC as /proc/PID/fdinfo shows it (02000000 octal)
    private const int OPath = 0x200000; // O_PATH (Linux): fstat works, flock does not
    private readonly TestDir _dir = new();
    private readonly UnixPlatform _p = (UnixPlatform)Platforms.Current;

    public AdoptDescriptorTests() => RuntimeDirectory.Ensure(_dir.Runtime);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(InstanceLock.LockFdEnvironmentVariable, null);
        Environment.SetEnvironmentVariable(RuntimeDirectory.EnvironmentVariable, null);
        _dir.Dispose();
    }

    private static void Inherit(int fd) => Environment.SetEnvironmentVariable(InstanceLock.LockFdEnvironmentVariable, fd.ToString(CultureInfo.InvariantCulture));

    private static int FdInfoFlags(int fd)
    {
        string line = File.ReadAllLines($"/proc/self/fdinfo/{fd}").Single(l => l.StartsWith("flags:", StringComparison.Ordinal));
        return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
    }

    [DllImport("libc.so.6", EntryPoint = "dup", SetLastError = true)]
    private static extern int Dup(int fd);

    [Fact]
    public void An_adopted_descriptor_is_made_close_on_exec_so_grandchildren_do_not_inherit_it()
    {
        var parent = (SafeFd)LockFile.TryLockExclusive(_p, _dir.Paths("cloexec").LockFile)!;
        _p.SetInheritable(parent, true, "test"); // as a handoff passes it
        Assert.Equal(0, FdInfoFlags(parent.Fd) & OCloExecFlag);
        Inherit(parent.Fd);
        using var adopted = InstanceLock.Adopt("cloexec", _dir.Options());
        parent.SetHandleAsInvalid();
        Assert.Equal(OCloExecFlag, FdInfoFlags(parent.Fd) & OCloExecFlag);
    }

    [Fact]
    public void A_refused_descriptor_stays_open_for_its_owner()
    {
        using (LockFile.TryLockExclusive(_p, _dir.Paths("refused").LockFile)!)
        {
        }
        using var elsewhere = (SafeFd)LockFile.TryLockExclusive(_p, Path.Join(_dir.Root, "elsewhere.lock"))!;
        Inherit(elsewhere.Fd);
        Assert.Throws<PidGuardException>(() => InstanceLock.Adopt("refused", _dir.Options()));
        // Whatever Adopt wrapped the number in must never close it, not even when it is finalized.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.True(_p.FStat(elsewhere, "elsewhere").IsRegularFile);
        Assert.True(LockFile.IsHeld(_p, Path.Join(_dir.Root, "elsewhere.lock")));
    }

    [Fact]
    public void Releasing_an_adopted_lock_never_unlocks_the_description_a_parent_still_shares()
    {
        var paths = _dir.Paths("shared");
        using var parent = (SafeFd)LockFile.TryLockExclusive(_p, paths.LockFile)!;
        int copy = Dup(parent.Fd);
        Assert.True(copy >= 0, $"dup failed: errno {Marshal.GetLastPInvokeError()}");
        Inherit(copy);
        var adopted = InstanceLock.Adopt("shared", _dir.Options());
        adopted.Dispose(); // closes the copy; the parent's descriptor still holds the lock
        Assert.True(LockFile.IsHeld(_p, paths.LockFile));
    }

    [Fact]
    public void A_descriptor_of_the_lock_file_that_cannot_be_flocked_is_refused_naming_the_error()
    {
        var paths = _dir.Paths("opath");
        using ((SafeFd)LockFile.TryLockExclusive(_p, paths.LockFile)!)
        {
        }
        using var path = new SafeFd(UnixNative.Open(paths.LockFile, OPath | OCloExecFlag, 0)); // O_PATH is no OpenFlags member: the protocol never uses it
        Inherit(path.Fd);
        var e = Assert.Throws<PidGuardException>(() => InstanceLock.Adopt("opath", _dir.Options()));
        Assert.StartsWith($"Cannot adopt the lock of 'opath': flock '{paths.LockFile}' failed: Bad file descriptor", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(paths.PidFile));
    }

    [Fact]
    public void Descriptor_0_is_checked_like_any_other_and_refused_as_not_the_lock_file()
    {
        using (LockFile.TryLockExclusive(_p, _dir.Paths("zero").LockFile)!)
        {
        }
        Inherit(0);
        Assert.Contains("PIDGUARD_LOCK_FD=0 does not refer to the lock file", Assert.Throws<PidGuardException>(() => InstanceLock.Adopt("zero", _dir.Options())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_closed_descriptor_number_is_named_in_the_error()
    {
        Environment.SetEnvironmentVariable(InstanceLock.LockFdEnvironmentVariable, "987654");
        var e = Assert.Throws<PidGuardException>(() => InstanceLock.Adopt("closed", _dir.Options()));
        Assert.StartsWith("PIDGUARD_LOCK_FD=987654 is not an open file descriptor: fstat 'PIDGUARD_LOCK_FD=987654' failed: Bad file descriptor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adopt_without_options_uses_the_runtime_directory_of_the_environment_and_recovers_nothing()
    {
        var paths = _dir.Paths("envdir");
        File.WriteAllText(paths.PidFile, "999999\n"); // the handing parent's pid file: not a stale one to log
        var parent = (SafeFd)LockFile.TryLockExclusive(_p, paths.LockFile)!;
        Inherit(parent.Fd);
        Environment.SetEnvironmentVariable(RuntimeDirectory.EnvironmentVariable, _dir.Runtime);
        using var adopted = InstanceLock.Adopt("envdir");
        parent.SetHandleAsInvalid();
        Assert.Equal(paths, adopted.Paths);
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(paths.PidFile));

        var log = new CapturingLogger();
        adopted.Dispose();
        var again = (SafeFd)LockFile.TryLockExclusive(_p, paths.LockFile)!;
        File.WriteAllText(paths.PidFile, "999999\n");
        Inherit(again.Fd);
        using var logged = InstanceLock.Adopt("envdir", _dir.Options(o => o.Logger = log));
        again.SetHandleAsInvalid();
        Assert.DoesNotContain(log.Entries, e => e.Message.Contains("Recovered stale pid file", StringComparison.Ordinal));
    }
}
