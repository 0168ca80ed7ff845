using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using PidGuard;

// A real process for the multi-process tests. Every command prints one line per event to stdout,
// flushed at once, so that a test can wait for it.
Console.Out.Flush();
var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
void Say(string line) => stdout.WriteLine(line);

string command = args.Length > 0 ? args[0] : "";
static string ParentPid() => File.ReadAllText("/proc/self/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
static void SignalHander(string signal, string pid)
{
    using var kill = Process.Start("kill", ["-" + signal, pid]);
    kill.WaitForExit();
}
string Arg(int i) => args.Length > i ? args[i] : throw new ArgumentException($"missing argument {i} for '{command}'");
string? Flag(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
bool Has(string name) => Array.IndexOf(args, name) >= 0;
PidGuardOptions Options(string dir) => new() { RuntimeDirectory = dir, SyncWrites = !Has("--no-sync") };

try
{
    switch (command)
    {
        case "hold":
        {
            // hold NAME DIR [--ms N] [--on-term exit|ignore] [--adopt]
            var options = Options(Arg(2));
            using var held = Has("--adopt") ? InstanceLock.Adopt(Arg(1), options) : InstanceLock.Acquire(Arg(1), options);
            var done = new ManualResetEventSlim();
            string onTerm = Flag("--on-term") ?? "exit";
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
            {
                ctx.Cancel = true;
                Say("GOT TERM");
                if (onTerm == "exit")
                    done.Set();
            });
            Say($"ACQUIRED {held.ProcessId} {held.Ownership}");
            done.Wait(int.Parse(Flag("--ms") ?? "600000", CultureInfo.InvariantCulture));
            long beforeRelease = Stopwatch.GetTimestamp();
            held.Dispose();
            Say($"RELEASED T={beforeRelease}");
            return 0;
        }
        case "try":
        {
            // try NAME DIR [--at UNIX_MS] [--ms HOLD]
            if (Flag("--at") is { } at)
            {
                long startAt = long.Parse(at, CultureInfo.InvariantCulture);
                while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() < startAt)
                    Thread.SpinWait(100);
            }
            try
            {
                using var won = InstanceLock.Acquire(Arg(1), Options(Arg(2)));
                Say($"WON {won.ProcessId}");
                Thread.Sleep(int.Parse(Flag("--ms") ?? "0", CultureInfo.InvariantCulture));
                return 0;
            }
            catch (AlreadyRunningException e)
            {
                Say($"LOST {e.OwnerPid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}");
                return 75;
            }
        }
        case "handoff":
        {
            // handoff NAME DIR : acquire, start "hold NAME DIR --adopt" with the lock inherited, exit.
            var options = Options(Arg(2));
            using var held = await InstanceLock.AcquireAsync(Arg(1), options, TimeSpan.FromSeconds(20));
            Say($"ACQUIRED {held.ProcessId} {held.Ownership} T={Stopwatch.GetTimestamp()}");
            var child = new DaemonStartInfo(Environment.ProcessPath!, [System.Reflection.Assembly.GetEntryAssembly()!.Location, "hold", Arg(1), Arg(2), "--adopt", "--ms", Flag("--child-ms") ?? "600000"]);
            var handed = await held.HandOffAsync(child, TimeSpan.FromSeconds(30));
            Say($"HANDED {handed.OwnerPid} {held.Ownership}");
            return 0;
        }
        case "handoff-cmd":
        {
            // handoff-cmd NAME DIR CMD ARGS... : acquire, hand the lock to CMD (which must adopt it), exit.
            var options = Options(Arg(2));
            using var held = InstanceLock.Acquire(Arg(1), options);
            var childArgs = args.Skip(4).ToList();
            if (childArgs.IndexOf("--timeout-ms") is var t and >= 0)
                childArgs.RemoveRange(t, 2);
            var handed = await held.HandOffAsync(new DaemonStartInfo(Arg(3), childArgs), TimeSpan.FromMilliseconds(int.Parse(Flag("--timeout-ms") ?? "60000", CultureInfo.InvariantCulture)));
            Say($"HANDED {handed.OwnerPid} {held.Ownership}");
            return 0;
        }
        case "supervise-once":
        {
            // supervise-once NAME DIR : (as the child of handoff-cmd) stop the process handing the lock over while it
            // still shares it, adopt as a supervisor, run `true`, end its leftovers, let the hander go on.
            string hander = ParentPid(); // handoff-cmd
            SignalHander("STOP", hander);
            var options = Options(Arg(2));
            options.Supervising = true;
            using var held = InstanceLock.Adopt(Arg(1), options);
            var program = held.StartProcess(new DaemonStartInfo("true", []));
            await program.Exited;
            Say($"LEFTOVERS {await held.EndLeftoversAsync(program, TimeSpan.FromSeconds(1))}");
            program.Reap();
            SignalHander("CONT", hander);
            for (int i = 0; i < 1000 && File.Exists($"/proc/{hander}/stat") && !File.ReadAllText($"/proc/{hander}/stat").Split(')')[^1].StartsWith(" Z", StringComparison.Ordinal); i++)
                Thread.Sleep(20); // the lock stays held until the hander saw the adoption and ended
            return 0;
        }
        case "adopt-and-end":
        {
            // adopt-and-end NAME DIR [--keep-files] : (as the child of handoff-cmd) stop the hander, adopt, end at once
            // (releasing with or without removing the files), let the hander go on: it must see that the adoption happened.
            string hander = ParentPid(); // handoff-cmd
            SignalHander("STOP", hander);
            var held = InstanceLock.Adopt(Arg(1), Options(Arg(2)));
            if (Has("--keep-files"))
                held.ReleaseKeepingFiles();
            else
                held.Dispose();
            SignalHander("CONT", hander);
            return 0;
        }
        case "share":
        {
            // share NAME DIR : acquire, start `sleep 300` sharing the lock, release our lock, exit (the child keeps it).
            var held = InstanceLock.Acquire(Arg(1), Options(Arg(2)));
            var child = held.StartProcess(new DaemonStartInfo("sleep", ["300"]) { StandardOutput = DaemonStdio.Null, StandardError = DaemonStdio.Null });
            Say($"SHARED {child.Id}");
            held.Dispose();
            Say("RELEASED");
            return 0;
        }
        case "cwd-deleted":
        {
            // cwd-deleted NAME DIR : acquire and release twice from a working directory that was deleted.
            string gone = Path.Join(Path.GetTempPath(), "pidguard-gone-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(gone);
            Directory.SetCurrentDirectory(gone);
            Directory.Delete(gone);
            for (int i = 1; i <= 2; i++)
            {
                using var held = InstanceLock.Acquire(Arg(1), Options(Arg(2)));
                Say($"ACQUIRED {i} cwd={held.State.WorkingDirectory ?? "-"}");
            }
            return 0;
        }
        case "sigrecord":
        {
            // sigrecord FILE : write the name of every catchable signal received to FILE.
            string file = Arg(1);
            var regs = new List<PosixSignalRegistration>();
            foreach (var s in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGHUP, PosixSignal.SIGQUIT })
                regs.Add(PosixSignalRegistration.Create(s, ctx => { ctx.Cancel = true; File.AppendAllText(file, ctx.Signal + "\n"); }));
            Say($"READY {Environment.ProcessId}");
            Thread.Sleep(Timeout.Infinite);
            return 0;
        }
        case "stop":
        {
            // stop NAME DIR SCHEDULE
            var outcome = await DaemonStopper.StopAsync(Arg(1), StopSchedule.Parse(Arg(3)), options: Options(Arg(2)));
            Say($"OUTCOME {outcome.Result} pid={outcome.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"} signal={outcome.LastSignal ?? "-"} ms={(long)outcome.Elapsed.TotalMilliseconds} reason={outcome.Reason} warning={outcome.Warning}");
            return outcome.Succeeded ? 0 : 1;
        }
        case "status":
        {
            var s = DaemonProbe.GetStatus(Arg(1), Options(Arg(2)));
            Say($"STATUS {s.State} pid={s.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"} verified={s.IsIdentityVerified} reason={s.Reason}");
            return s.LsbExitCode;
        }
        case "table":
        {
            // table NAME DIR LABEL=SPEC... : for each bad pid file, print the status, the signal
            // decision and what stop did. SPEC: b64:BASE64 | symlink:TEXT | dir | junk1m
            string name = Arg(1);
            var options = Options(Arg(2));
            var paths = DaemonPaths.For(name, RuntimeDirectory.Ensure(Arg(2)));
            foreach (string item in args.Skip(3).Where(a => !a.StartsWith("--", StringComparison.Ordinal)))
            {
                string label = item[..item.IndexOf('=')];
                string spec = item[(item.IndexOf('=') + 1)..];
                string target = Path.Join(Path.GetDirectoryName(paths.Directory)!, "target-" + label);
                if (spec.StartsWith("b64:", StringComparison.Ordinal))
                    File.WriteAllBytes(paths.PidFile, Convert.FromBase64String(spec[4..]));
                else if (spec.StartsWith("symlink:", StringComparison.Ordinal))
                {
                    File.WriteAllText(target, spec[8..]);
                    File.CreateSymbolicLink(paths.PidFile, target);
                }
                else if (spec == "dir")
                    Directory.CreateDirectory(paths.PidFile);
                else if (spec == "junk1m")
                    File.WriteAllBytes(paths.PidFile, Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7 + 13)).ToArray());
                var status = DaemonProbe.GetStatus(name, options);
                var decision = SignalDecision.For(status);
                var outcome = Has("--no-stop") ? null : await DaemonStopper.StopAsync(name, StopSchedule.Parse("TERM/1/KILL/1"), options: options);
                var left = new FileInfo(paths.PidFile);
                string after = Directory.Exists(paths.PidFile) ? "dir" : left.LinkTarget is not null ? "symlink" : left.Exists ? "file" : "gone";
                string targetAfter = File.Exists(target) ? File.ReadAllText(target) : "-";
                Say($"CASE {label} status={status.State} lsb={status.LsbExitCode} pid={status.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"} verified={status.IsIdentityVerified} may={decision.Allowed} decided={decision.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"} stop={outcome?.Result.ToString() ?? "-"} signal={outcome?.LastSignal ?? "-"} after={after} target={targetAfter}");
                if (Directory.Exists(paths.PidFile))
                    Directory.Delete(paths.PidFile);
                else
                    File.Delete(paths.PidFile);
            }
            Say("DONE");
            return 0;
        }
        case "stop-self":
        {
            // stop-self NAME DIR : hold the lock in this process and ask the stopper to stop it.
            using var held = InstanceLock.Acquire(Arg(1), Options(Arg(2)));
            var outcome = await DaemonStopper.StopAsync(Arg(1), StopSchedule.Parse("TERM/1/KILL/1"), options: Options(Arg(2)));
            Say($"OUTCOME {outcome.Result} pid={outcome.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"} signal={outcome.LastSignal ?? "-"} reason={outcome.Reason}");
            return 0;
        }
        case "notify":
        {
            // notify MESSAGE [--after MS] [--then-sleep MS] [--repeat N --every MS] : send sd_notify datagrams to $NOTIFY_SOCKET.
            Thread.Sleep(int.Parse(Flag("--after") ?? "0", CultureInfo.InvariantCulture));
            string socketPath = Environment.GetEnvironmentVariable("NOTIFY_SOCKET") ?? throw new InvalidOperationException("NOTIFY_SOCKET is not set");
            if (socketPath.StartsWith('@'))
                socketPath = "\0" + socketPath[1..]; // the abstract namespace, as sd_notify(3) reads '@'
            int repeat = int.Parse(Flag("--repeat") ?? "1", CultureInfo.InvariantCulture);
            using (var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified))
            {
                for (int i = 0; i < repeat; i++)
                {
                    socket.SendTo(System.Text.Encoding.UTF8.GetBytes(Arg(1).Replace("{i}", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)), new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
                    Thread.Sleep(int.Parse(Flag("--every") ?? "0", CultureInfo.InvariantCulture));
                }
            }
            Say("NOTIFIED");
            Thread.Sleep(int.Parse(Flag("--then-sleep") ?? "0", CultureInfo.InvariantCulture));
            return 0;
        }
        case "churn":
        {
            // churn NAME DIR MARKERDIR [--gap-ms N] : acquire/release for ever (N ms apart); while holding, prove no other live holder exists.
            var options = Options(Arg(2));
            options.OwnerWaitWindow = TimeSpan.Zero;
            int gapMs = int.Parse(Flag("--gap-ms") ?? "0", CultureInfo.InvariantCulture);
            Say("READY");
            for (long i = 0; ; i++)
            {
                if (gapMs > 0)
                    Thread.Sleep(gapMs);
                using var l = InstanceLock.TryAcquire(Arg(1), options);
                if (l is null)
                    continue;
                {
                    if (Marker.Enter(Arg(3)) is { } other)
                    {
                        Say($"VIOLATION {other} held the lock together with {Environment.ProcessId}");
                        return 3;
                    }
                    Marker.Leave(Arg(3));
                }
            }
        }
        case "racer":
        {
            // racer NAME DIR SYNCDIR : for each round r, wait for go-r, try once, report; the winner holds until release-r.
            var options = Options(Arg(2));
            string sync = Arg(3);
            Say("READY");
            for (int r = 1; ; r++)
            {
                while (!File.Exists(Path.Join(sync, $"go-{r}")))
                {
                    if (File.Exists(Path.Join(sync, "stop")))
                        return 0;
                    Thread.Sleep(1);
                }
                try
                {
                    using (InstanceLock.Acquire(Arg(1), options))
                    {
                        Say($"R {r} WON {Environment.ProcessId}");
                        while (!File.Exists(Path.Join(sync, $"release-{r}")))
                            Thread.Sleep(1);
                    }
                    Say($"R {r} RELEASED");
                }
                catch (AlreadyRunningException e)
                {
                    Say($"R {r} LOST {e.OwnerPid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}");
                }
            }
        }
        case "try-loop":
        {
            // try-loop NAME DIR MS [STOPFILE] : try to win for MS milliseconds (or until STOPFILE exists); print the monotonic interval of every win.
            var options = Options(Arg(2));
            options.OwnerWaitWindow = TimeSpan.Zero;
            var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * long.Parse(Arg(3), CultureInfo.InvariantCulture) / 1000;
            int wins = 0;
            Say("READY");
            string? stopFile = args.Length > 4 ? args[4] : null;
            while (Stopwatch.GetTimestamp() < until && (stopFile is null || !File.Exists(stopFile)))
            {
                Thread.Sleep(1); // flock is not fair: leave the parent a chance to take the lock
                if (InstanceLock.TryAcquire(Arg(1), options) is { } l)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    l.Dispose();
                    Say($"WIN {t0} {Stopwatch.GetTimestamp()}");
                    wins++;
                }
            }
            Say($"DONE {wins}");
            return 0;
        }
        case "cycle":
        {
            // cycle NAME DIR N : N acquire/release cycles; reports spurious conflicts.
            int n = int.Parse(Arg(3), CultureInfo.InvariantCulture);
            int conflicts = 0;
            for (int i = 0; i < n; i++)
            {
                if (InstanceLock.TryAcquire(Arg(1), Options(Arg(2))) is { } l)
                    l.Dispose();
                else
                    conflicts++;
            }
            Say($"CONFLICTS {conflicts}");
            return 0;
        }
        default:
            Console.Error.WriteLine($"unknown command '{command}'");
            return 2;
    }
}
catch (AlreadyRunningException e)
{
    Say($"ALREADY {e.OwnerPid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} {e.Message}");
    return 75;
}
catch (Exception e)
{
    Say($"ERROR {e.GetType().Name}: {e.Message}");
    return 1;
}
finally
{
    // Lets a test know it has every line without waiting for EOF (a handed-off child may hold the pipe).
    Say("END");
}
