using System.Globalization;
using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// Adopting an inherited descriptor, in-process: the descriptor a "parent" locked is named in
/// PIDGUARD_LOCK_FD, as a handoff leaves it. Adopt accepts it only when it is the lock file and holds its lock.
/// </summary>
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class AdoptTests : IDisposable
{
    private readonly TestDir _dir = new();
    private readonly UnixPlatform _p = (UnixPlatform)Platforms.Current;

    public AdoptTests() => RuntimeDirectory.Ensure(_dir.Runtime);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(InstanceLock.LockFdEnvironmentVariable, null);
        _dir.Dispose();
    }

    private static void Inherit(SafeFd fd) => Inherit(fd.Fd.ToString(CultureInfo.InvariantCulture));

    private static void Inherit(string? value) => Environment.SetEnvironmentVariable(InstanceLock.LockFdEnvironmentVariable, value);

    private PidGuardException Refused(string name) =>
        Assert.Throws<PidGuardException>(() => InstanceLock.Adopt(name, _dir.Options()));

    [Fact]
    public void Adopt_takes_over_an_inherited_locked_descriptor_and_writes_its_files()
    {
        var paths = _dir.Paths("adopted");
        var parent = (SafeFd)LockFile.TryLockExclusive(_p, paths.LockFile)!;
        Inherit(parent);
        Assert.True(InstanceLock.HasInheritedLock);
        var adopted = InstanceLock.Adopt("adopted", _dir.Options());
        parent.SetHandleAsInvalid(); // the adopter owns the descriptor now
        Assert.Equal(LockOwnership.Adopted, adopted.Ownership);
        Assert.False(InstanceLock.HasInheritedLock); // grandchildren do not see it
        Assert.Equal($"{Environment.ProcessId}\n", File.ReadAllText(paths.PidFile));
        Assert.Equal(Environment.ProcessId, StateFile.Read(paths.StateFile)!.Pid);
        Assert.True(LockFile.IsHeld(_p, paths.LockFile));
        var status = DaemonProbe.GetStatus("adopted", _dir.Options());
        Assert.True(status.IsIdentityVerified);
        adopted.Dispose();
        Assert.False(File.Exists(paths.PidFile));
        Assert.False(LockFile.IsHeld(_p, paths.LockFile));
    }

    [Fact]
    public void Adopt_refuses_a_descriptor_that_names_another_locked_file_and_writes_nothing()
    {
        var paths = _dir.Paths("other");
        using ((SafeFd)LockFile.TryLockExclusive(_p, paths.LockFile)!)
        {
        }
        using var elsewhere = (SafeFd)LockFile.TryLockExclusive(_p, Path.Join(_dir.Root, "elsewhere.lock"))!;
        Inherit(elsewhere);
        var e = Refused("other");
        Assert.Contains($"does not refer to the lock file '{paths.LockFile}'", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(paths.PidFile));
        Assert.False(File.Exists(paths.StateFile));
        Assert.False(elsewhere.IsClosed);
        Assert.True(LockFile.IsHeld(_p, Path.Join(_dir.Root, "elsewhere.lock"))); // still held by its owner
        Assert.True(InstanceLock.HasInheritedLock); // left for the caller to deal with
    }

    [Fact]
    public void Adopt_refuses_a_descriptor_when_the_lock_file_does_not_exist()
    {
        using var elsewhere = (SafeFd)LockFile.TryLockExclusive(_p, Path.Join(_dir.Root, "elsewhere.lock"))!;
        Inherit(elsewhere);
        Assert.Contains("does not refer to the lock file", Refused("nolockfile").Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.Paths("nolockfile").PidFile));
    }

    [Fact]
    public void Adopt_refuses_a_descriptor_of_the_lock_file_whose_lock_another_description_holds()
    {
        var paths = _dir.Paths("taken");
        using var holder = (SafeFd)LockFile.TryLockExclusive(_p, paths.LockFile)!;
        using var unlocked = (SafeFd)_p.OpenLockFile(paths.LockFile, create: false, out _)!;
        Inherit(unlocked);
        var e = Refused("taken");
        Assert.Contains("does not hold the lock", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(paths.PidFile));
        Assert.False(unlocked.IsClosed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("+3")]
    [InlineData(" 3")]
    public void Adopt_refuses_a_variable_that_names_no_descriptor(string value)
    {
        Inherit(value);
        var e = Refused("garbage");
        Assert.Equal($"{InstanceLock.LockFdEnvironmentVariable} is '{value}': there is no inherited lock descriptor to adopt.", e.Message);
        Assert.False(File.Exists(_dir.Paths("garbage").PidFile));
    }

    [Fact]
    public void Adopt_refuses_a_number_that_is_not_an_open_descriptor()
    {
        Inherit("987654");
        var e = Refused("closed");
        Assert.Contains($"{InstanceLock.LockFdEnvironmentVariable}=987654 is not an open file descriptor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adopt_checks_the_name_before_anything_else()
    {
        Inherit("3");
        Assert.Throws<ArgumentException>(() => InstanceLock.Adopt("../x", _dir.Options()));
    }

    [Fact]
    public void AdoptOrAcquire_adopts_an_inherited_descriptor_and_otherwise_acquires()
    {
        using (var acquired = InstanceLock.AdoptOrAcquire("either", _dir.Options()))
            Assert.Equal(LockOwnership.WriteOwner, acquired.Ownership);
        var parent = (SafeFd)LockFile.TryLockExclusive(_p, _dir.Paths("either").LockFile)!;
        Inherit(parent);
        using var adopted = InstanceLock.AdoptOrAcquire("either", _dir.Options());
        parent.SetHandleAsInvalid();
        Assert.Equal(LockOwnership.Adopted, adopted.Ownership);
    }
}
