using System.Diagnostics;
using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests;

/// <summary>The lifecycle guarantees at the library level (issue 8), with real processes in PID namespaces where they signal.</summary>
public class LifecycleLibraryTests : SandboxScenario
{
    [Fact]
    public void Releasing_never_unlocks_a_lock_a_child_still_shares()
    {
        string o = Run("""
            H share d "$DIR" > "$ROOT/share.out"
            CHILD=$(sed -n 's/^SHARED //p' "$ROOT/share.out"); echo "CHILD=$CHILD"
            H try d "$DIR"
            H status d "$DIR"
            kill "$CHILD"; waituntil 10 sh -c "! kill -0 $CHILD"
            H try d "$DIR"
            """);
        string child = Value(o, "CHILD");
        var lines = o.Split('\n');
        Assert.StartsWith($"LOST {child}", lines.First(l => l.StartsWith("LOST", StringComparison.Ordinal) || l.StartsWith("WON", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains($"held by PID {child}", o, StringComparison.Ordinal);
        Assert.Contains("WON", o, StringComparison.Ordinal);
    }

    [Fact]
    public void A_handoff_that_times_out_stops_the_child_and_what_it_started_and_keeps_the_lock_alone()
    {
        string o = Run("""
            H handoff-cmd d "$DIR" sh -c 'sleep 300 & sleep 301' --timeout-ms 700
            echo "SLEEPS=$(pgrep -x sleep | wc -l)"
            H try d "$DIR"
            """);
        Assert.Contains("ERROR PidGuardException: The child (PID", o, StringComparison.Ordinal);
        Assert.Contains("did not adopt the lock within 0.7 s", o, StringComparison.Ordinal);
        Assert.Equal("0", Value(o, "SLEEPS"));
        Assert.Contains("WON", o, StringComparison.Ordinal);
    }

    [Fact]
    public void The_process_handing_the_lock_over_is_never_ended_as_a_leftover_of_a_program_that_exits_at_once()
    {
        // The hander shares the lock until it sees the adoption; here it is held (SIGSTOP) before the adoption,
        // so it still shares the lock when the supervisor's program has exited and its leftovers are ended.
        string o = Run($"""
            H handoff-cmd d "$DIR" '{ChildProcess.Dotnet}' '{ChildProcess.HostDll}' supervise-once d "$DIR"; echo "HANDER=$?"
            """);
        Assert.Contains("LEFTOVERS 0", o, StringComparison.Ordinal);
        Assert.True(Value(o, "HANDER") == "0", o);
        Assert.Contains("HANDED", o, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--keep-files")]
    public void A_child_that_adopts_and_ends_between_two_polls_of_the_hander_was_still_handed_the_lock(string release)
    {
        // The hander is frozen (SIGSTOP) for the child's whole life, as a start is when its supervisor's program exits
        // at once: nothing is left to prove, but the files the hander wrote were replaced or removed.
        string o = Run($"""
            H handoff-cmd d "$DIR" '{ChildProcess.Dotnet}' '{ChildProcess.HostDll}' adopt-and-end d "$DIR" {release} > "$ROOT/h.out" 2>&1; echo "HANDER=$?"
            cat "$ROOT/h.out"
            H try d "$DIR"
            """);
        Assert.True(Value(o, "HANDER") == "0", o);
        Assert.Matches(@"HANDED \d+ Handoff", o);
        Assert.Contains("WON", o, StringComparison.Ordinal); // the name is free: no one holds it after the child ended
    }

    [Fact]
    public void A_deleted_working_directory_neither_fails_the_acquire_nor_leaks_a_locked_descriptor()
    {
        var (code, lines) = ChildProcess.RunHost("cwd-deleted", "d", Dir.Runtime);
        Assert.True(code == 0, string.Join('\n', lines));
        Assert.Equal(["ACQUIRED 1 cwd=-", "ACQUIRED 2 cwd=-"], lines);
    }

    [Fact]
    public void The_lock_file_is_0600_whatever_the_umask_and_a_wrong_mode_is_repaired()
    {
        Prerequisite.RequireCommand("setpriv");
        string o = Run("""
            (umask 0277; H try u "$DIR" > /dev/null; H try u "$DIR" > /dev/null)
            echo "MODE=$(stat -c %a "$DIR/u.lock")"
            chmod 0400 "$DIR/u.lock"; H try u "$DIR" > /dev/null
            echo "REPAIRED=$(stat -c %a "$DIR/u.lock")"
            mkdir -m 700 "$ROOT/nobody"; chown 65534:65534 "$ROOT/nobody"; chmod 755 "$ROOT"
            for i in 1 2; do setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp sh -c "umask 0277; $(declare -f H); H try n '$ROOT/nobody/run'" ; done
            echo "NOBODY_MODE=$(stat -c %a "$ROOT/nobody/run/n.lock")"
            echo "NOBODY_DIR=$(stat -c %a "$ROOT/nobody/run")"
            """);
        Assert.Equal("600", Value(o, "MODE"));
        Assert.Equal("600", Value(o, "REPAIRED"));
        Assert.Equal(2, o.Split('\n').Count(l => l.StartsWith("WON", StringComparison.Ordinal)));
        Assert.Equal("600", Value(o, "NOBODY_MODE"));
        Assert.Equal("700", Value(o, "NOBODY_DIR"));
    }

    [Fact]
    public void Stop_reports_the_stop_and_warns_when_the_files_cannot_be_removed()
    {
        Prerequisite.RequireRoot("bind-mounting over the pid file so that it cannot be removed");
        string o = Run("""
            HB hold d "$DIR" --on-term ignore > "$ROOT/a.out" &
            waitfor "$ROOT/a.out" ACQUIRED
            : > "$ROOT/pinned"; mount --bind "$ROOT/pinned" "$DIR/d.pid"
            H stop d "$DIR" TERM/0.5/KILL/5; echo "CODE=$?"
            umount "$DIR/d.pid"
            """);
        Assert.Contains("OUTCOME Killed", o, StringComparison.Ordinal);
        Assert.Matches("warning=stopped, but its files could not be removed: unlink .*d.pid.* busy", o);
        Assert.Equal("0", Value(o, "CODE"));
    }

    [Fact]
    public async Task The_lock_reaches_only_the_intended_child_never_a_concurrent_Process_Start()
    {
        // One thread starts programs that share the lock; another starts unrelated programs with Process.Start,
        // each of which reports whether it found the lock file among its descriptors (clearing FD_CLOEXEC
        // process-wide around a spawn leaked it into 221 of 605 of them).
        const int spawns = 605;
        using var held = Dir.Acquire("race");
        string lockPath = held.Paths.LockFile;
        using var stop = new CancellationTokenSource();
        var sharer = Task.Run(() =>
        {
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                using var child = held.StartProcess(new DaemonStartInfo("/bin/true") { StandardOutput = DaemonStdio.Null, StandardError = DaemonStdio.Null });
                n++;
            }
            return n;
        }, TestContext.Current.CancellationToken);
        int leaks = 0;
        for (int i = 0; i < spawns; i++)
        {
            var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("for f in /proc/$$/fd/*; do [ \"$(readlink \"$f\")\" = \"$0\" ] && echo LEAK; done; :");
            psi.ArgumentList.Add(lockPath);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(30_000));
            if (output.Contains("LEAK", StringComparison.Ordinal))
                leaks++;
        }
        await stop.CancelAsync();
        int shared = await sharer.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(shared > 50, $"only {shared} lock-sharing spawns ran alongside: the race was not exercised");
        Assert.Equal(0, leaks);
    }

    [Fact]
    public void A_state_record_too_large_for_readers_is_refused_before_anything_is_locked()
    {
        string huge = new('x', StateFile.MaxLength + 1);
        var e = Assert.Throws<PidGuardException>(() => Dir.Acquire("huge", o => o.CommandLine = ["prog", huge]));
        Assert.Contains("huge.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("shorten the command line", e.Message, StringComparison.Ordinal);
        using var ok = Dir.Acquire("huge");
    }

    [Fact]
    public void A_version_1_state_file_of_a_running_supervised_daemon_is_still_proven()
    {
        // Before version 2 the pid file named the supervisor and childPid the program. Here this test process
        // plays the supervisor (it holds the lock) and a real sleep is the program.
        RuntimeDirectory.Ensure(Dir.Runtime);
        var paths = Dir.Paths("old");
        using var fd = LockFile.TryLockExclusive(Platforms.Current, paths.LockFile)!;
        using var program = Process.Start("sleep", "300");
        try
        {
            int self = Environment.ProcessId;
            File.WriteAllText(paths.StateFile, $$"""
                { "version": 1, "name": "old", "pid": {{self}}, "startToken": "{{ProcessIdentity.GetStartToken(self)}}",
                  "bootId": "{{ProcessIdentity.BootId}}", "startedAt": "2026-11-01T00:00:00+00:00",
                  "childPid": {{program.Id}}, "childStartToken": "{{ProcessIdentity.GetStartToken(program.Id)}}",
                  "logFile": "/dev/null", "restartPolicy": "no" }
                """);
            File.WriteAllText(paths.PidFile, $"{self}\n");
            var status = DaemonProbe.GetStatus("old", Dir.Options());
            Assert.Equal(DaemonState.Running, status.State);
            Assert.Equal(program.Id, status.Pid);
            Assert.True(status.IsIdentityVerified);
            Assert.Equal(self, status.Supervisor);
        }
        finally
        {
            program.Kill();
            program.WaitForExit(10_000);
        }
    }
}
