using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Torture;

/// <summary>Read-only and full file systems (tmpfs mounted inside the test's own mount namespace, as root).</summary>
public class BadEnvironmentTests : SandboxScenario
{
    private string RunAsRoot(string body)
    {
        Prerequisite.RequireRoot("mounting a tmpfs");
        return base.Run(body);
    }

    [Fact]
    public void Read_only_directory_gives_a_clear_error_and_loses_no_file()
    {
        string o = RunAsRoot("""
            mkdir "$ROOT/ro"; mount -t tmpfs -o size=1m,mode=0755 tmpfs "$ROOT/ro"
            mkdir -m 700 "$ROOT/ro/run"; echo 4242 > "$ROOT/ro/run/d.pid"; : > "$ROOT/ro/run/d.lock"; chmod 600 "$ROOT/ro/run/d.lock"
            mount -o remount,ro "$ROOT/ro"
            H try d "$ROOT/ro/run"; echo "CODE=$?"
            echo "PID=$(cat "$ROOT/ro/run/d.pid")"
            H try fresh "$ROOT/ro/run"; echo "FRESH=$?"
            """);
        Assert.Contains("CODE=1", o, StringComparison.Ordinal);
        Assert.Matches(@"ERROR PidGuardException: Lock file '.*/ro/run/d.lock' cannot be opened: .*Read-only file system", o);
        Assert.Contains("PID=4242", o, StringComparison.Ordinal);
        Assert.Matches(@"ERROR PidGuardException: Lock file '.*/ro/run/fresh.lock' cannot be opened: .*Read-only file system", o);
    }

    [Fact]
    public void Full_disk_gives_a_clear_error_and_keeps_the_old_pid_file_whole()
    {
        string o = RunAsRoot("""
            mkdir "$ROOT/full"; mount -t tmpfs -o size=64k,mode=0755 tmpfs "$ROOT/full"
            mkdir -m 700 "$ROOT/full/run"; echo 4242 > "$ROOT/full/run/d.pid"; : > "$ROOT/full/run/d.lock"; chmod 600 "$ROOT/full/run/d.lock"
            dd if=/dev/zero of="$ROOT/full/filler" bs=4k count=64 2>/dev/null
            H try d "$ROOT/full/run"; echo "CODE=$?"
            echo "PID=$(cat "$ROOT/full/run/d.pid")"
            ls -a "$ROOT/full/run" | sed 's/^/LS:/'
            rm "$ROOT/full/filler"
            H try d "$ROOT/full/run"; echo "AFTER=$?"
            """);
        Assert.Contains("CODE=1", o, StringComparison.Ordinal);
        Assert.Matches(@"ERROR PidGuardException: Cannot write the files of 'd' in '.*/full/run'.*No space left on device", o);
        Assert.Contains("PID=4242", o, StringComparison.Ordinal);
        Assert.DoesNotContain("LS:.d.json.tmp", o, StringComparison.Ordinal);
        Assert.DoesNotContain("LS:.d.pid.tmp", o, StringComparison.Ordinal);
        Assert.Contains("LS:d.pid", o, StringComparison.Ordinal);
        Assert.Contains("AFTER=0", o, StringComparison.Ordinal);
    }
}
