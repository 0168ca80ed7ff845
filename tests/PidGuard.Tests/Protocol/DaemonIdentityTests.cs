using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>
/// Where the kernel shows lock holders (Linux), the start-time token is not proof enough: the main
/// process and the supervisor must also hold the daemon's lock (or, for a program that closed it, be
/// the child of the proven supervisor that holds it).
/// </summary>
public sealed class DaemonIdentityTests : IDisposable
{
    private static readonly int Self = Environment.ProcessId;
    private readonly TestDir _dir = new();
    private readonly IPlatform _p = Platforms.Current;

    public DaemonIdentityTests() => RuntimeDirectory.Ensure(_dir.Runtime);

    public void Dispose() => _dir.Dispose();

    private FileStatus FreeLockFile(string name)
    {
        string path = _dir.Paths(name).LockFile;
        using (LockFile.TryLockExclusive(_p, path)!)
        {
        }
        return _p.LStat(path)!.Value;
    }

    private static DaemonStateRecord Record(string name) => new()
    {
        Name = name,
        Pid = Self,
        StartToken = ProcessIdentity.GetStartToken(Self),
        BootId = ProcessIdentity.BootId,
    };

    [Fact]
    public void A_main_process_with_the_right_token_that_holds_no_lock_is_not_proven()
    {
        Assert.True(_p.CanSeeLockHolders);
        var record = Record("main");
        Assert.Equal($"PID {Self} has the recorded start time but does not hold the lock of 'main' (a PID reused within one clock tick would match too)",
            DaemonIdentity.MainProblem(Self, record, FreeLockFile("main"), _p));
    }

    [Fact]
    public void A_main_process_that_holds_the_lock_is_proven()
    {
        string path = _dir.Paths("held").LockFile;
        using var fd = LockFile.TryLockExclusive(_p, path, out var locked)!;
        Assert.Null(DaemonIdentity.MainProblem(Self, Record("held"), locked, _p));
    }

    [Fact]
    public void A_supervisor_with_the_right_token_that_holds_no_lock_is_not_proven()
    {
        var record = Record("sup");
        record.Pid = 1;
        record.Supervisor = new ProcessRecord { Pid = Self, StartToken = ProcessIdentity.GetStartToken(Self) };
        Assert.Equal($"the supervisor's PID {Self} has its recorded start time but does not hold the lock of 'sup'",
            DaemonIdentity.SupervisorProblem(record, FreeLockFile("sup"), _p));
        Assert.Equal($"the supervisor's PID {Self} has its recorded start time but does not hold the lock of 'sup'",
            DaemonIdentity.MainOrSupervisorProblem(Self, record, FreeLockFile("sup"), _p));
    }

    [Fact]
    public void Without_a_view_of_lock_holders_the_token_is_the_proof()
    {
        var blind = new Blind();
        var record = Record("blind");
        record.Supervisor = new ProcessRecord { Pid = Self, StartToken = ProcessIdentity.GetStartToken(Self) };
        Assert.Null(DaemonIdentity.MainProblem(Self, record, FreeLockFile("blind"), blind));
        Assert.Null(DaemonIdentity.SupervisorProblem(record, FreeLockFile("blind"), blind));
    }

    private sealed class Blind : DelegatingPlatform
    {
        public override bool CanSeeLockHolders => false;
    }
}
