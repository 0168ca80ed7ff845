using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using PidGuard.Cluster.Tests.Infrastructure;

namespace PidGuard.Cluster.Tests;

/// <summary>
/// `pidguard run|start|status|list|stop --cluster` as real processes: each simulated host has its own
/// runtime directory and PIDGUARD_CLUSTER_HOST; the timings are FastTiming's (L 4 s, D 2 s, R 250 ms,
/// H 500 ms: StopWithin 1 s).
/// </summary>
public sealed class CliTests(PostgresFixture pg) : IDisposable
{
    private static readonly string[] Timing = PidguardCli.FastTimingArguments.Split(' ');
    private static readonly TimeSpan StopWithin = (FastTiming.LeaseDuration - FastTiming.RenewDeadline) / 2;
    private readonly TempDir _dir = new();
    private readonly List<ProgramProbe> _probes = [];
    private readonly List<PidguardCli> _tools = [];

    public void Dispose()
    {
        foreach (var t in _tools)
            t.Dispose();
        foreach (var p in _probes)
            p.Cleanup();
        _dir.Dispose();
    }

    private string Dir(string host) => _dir.Sub(host);

    private ProgramProbe Probe(string label)
    {
        var probe = new ProgramProbe(Path.Join(_dir.Path, "probe-" + label));
        _probes.Add(probe);
        return probe;
    }

    /// <summary>`pidguard run NAME --cluster CS (fast timings) [extra] -- PROGRAM` on <paramref name="host"/>, in the background.</summary>
    private PidguardCli Run(string host, string name, ProgramProbe probe, bool ignoreTerm = false, params string[] extra)
    {
        var tool = PidguardCli.Start(host, Dir(host), ["run", name, "--cluster", pg.ConnectionString, .. Timing, .. extra, "--", .. probe.Command(ignoreTerm)]);
        _tools.Add(tool);
        return tool;
    }

    private (int Code, string Output) Tool(string host, params string[] args) => PidguardCli.Run(host, Dir(host), 60_000, args);

    private JsonElement StatusJson(string host, string name)
    {
        var (code, output) = Tool(host, "status", name, "--cluster", pg.ConnectionString, "--json");
        Assert.True(code is 0 or 1 or 3, $"status --cluster exited {code}: {output}");
        return JsonDocument.Parse(output).RootElement;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Join(dir.FullName, "PidGuard.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("PidGuard.slnx not found above " + AppContext.BaseDirectory);
    }

    private async Task TerminateBackendAsync(int backendPid)
    {
        await using var connection = new NpgsqlConnection(pg.ConnectionString + ";Pooling=false"); // a pooled one may predate a server restart of another test
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT pg_terminate_backend($1)", connection);
        cmd.Parameters.Add(new() { Value = backendPid });
        Assert.Equal(true, await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void A_second_host_fails_with_the_holder_named_and_status_and_list_show_the_holder()
    {
        string name = Names.Unique("cli");
        var probe = Probe("a");
        var a = Run("host-a", name, probe);
        probe.WaitStarted(30_000, () => a.Output);

        var (code, output) = Tool("host-b", ["run", name, "--cluster", pg.ConnectionString, .. Timing, "--", "true"]);
        Assert.True(code == 75, output);
        Assert.Contains($"Daemon already running (host host-a, PID {a.Pid})", output, StringComparison.Ordinal);

        var status = StatusJson("host-b", name);
        Assert.Equal("running", status.GetProperty("state").GetString());
        Assert.Equal(0, status.GetProperty("lsb").GetInt32());
        Assert.Equal("host-a", status.GetProperty("host").GetString());
        Assert.Equal(a.Pid, status.GetProperty("pid").GetInt32());
        Assert.Equal(probe.Epoch, status.GetProperty("epoch").GetInt64()); // the program got PIDGUARD_CLUSTER_EPOCH
        Assert.True(status.GetProperty("heartbeatAgeSeconds").GetDouble() < FastTiming.RenewDeadline.TotalSeconds);

        string docs = File.ReadAllText(Path.Join(RepositoryRoot(), "docs", "JSON.md")); // every printed field is documented
        foreach (var field in status.EnumerateObject())
            Assert.Contains($"`{field.Name}`", docs, StringComparison.Ordinal);

        var (textCode, text) = Tool("host-b", "status", name, "--cluster", pg.ConnectionString);
        Assert.Equal(0, textCode);
        Assert.Contains($"{name} is running on host host-a (PID: {a.Pid}), epoch {probe.Epoch}", text, StringComparison.Ordinal);

        var (listCode, listOutput) = Tool("host-b", "list", "--cluster", pg.ConnectionString, "--json");
        Assert.Equal(0, listCode);
        var entry = JsonDocument.Parse(listOutput).RootElement.GetProperty("daemons").EnumerateArray().Single(d => d.GetProperty("name").GetString() == name);
        Assert.Equal(a.Pid, entry.GetProperty("pid").GetInt32());
        Assert.Equal("host-a", entry.GetProperty("host").GetString());
        var (tableCode, table) = Tool("host-b", "list", "--cluster", pg.ConnectionString);
        Assert.Equal(0, tableCode);
        Assert.Matches($@"(?m)^{name}\s+running\s+host-a\s+{a.Pid}\s+{probe.Epoch}\s", table);
    }

    [Fact]
    public void A_waiting_candidate_is_listed_and_takes_over_when_the_holder_is_stopped_from_another_host()
    {
        string name = Names.Unique("cli");
        var first = Probe("a");
        var a = Run("host-a", name, first);
        first.WaitStarted(30_000, () => a.Output);
        var second = Probe("b");
        var b = Run("host-b", name, second, false, "--wait", "60");
        Assert.True(Wait.Until(() => StatusJson("host-c", name).GetProperty("waiting").EnumerateArray()
            .Any(w => w.GetProperty("host").GetString() == "host-b" && w.GetProperty("pid").GetInt32() == b.Pid), 30_000), b.Output);

        var clock = Stopwatch.StartNew();
        var (code, output) = Tool("host-c", "stop", name, "--cluster", pg.ConnectionString);
        var stopTook = clock.Elapsed;
        Assert.True(code == 0, output);
        Assert.Contains($"stopped {name} on host host-a (PID: {a.Pid}", output, StringComparison.Ordinal);
        Assert.True(a.WaitForExit(10_000), a.Output);
        Assert.Equal(0, a.ExitCode); // the program exited 0 on TERM: a graceful stop
        Assert.True(first.GotTerm);
        Assert.False(first.Alive);

        second.WaitStarted(30_000, () => b.Output); // a clean release: no wait for the old lease
        var tookOver = clock.Elapsed;
        Assert.True(second.Epoch > first.Epoch, $"epoch {second.Epoch} after {first.Epoch}");
        Assert.True(tookOver < FastTiming.LeaseDuration, $"the successor ran {Results.Ms(tookOver)} after the stop request");
        Results.Report($"cli stop --cluster: holder released after {Results.Ms(stopTook)} (stop command's own time), waiting run's program started {Results.Ms(tookOver)} after the request");
    }

    [Fact]
    public void Stop_from_another_host_stops_a_started_daemon_gracefully_and_frees_the_name()
    {
        string name = Names.Unique("cli");
        var probe = Probe("a");
        var (code, output) = Tool("host-a", ["start", name, "--cluster", pg.ConnectionString, .. Timing, "--", .. probe.Command()]);
        Assert.True(code == 0, output);
        var held = StatusJson("host-b", name); // start returns only once the lease is held and the program runs
        Assert.Equal("host-a", held.GetProperty("host").GetString());
        Assert.Equal(0, Tool("host-a", "status", name).Code);
        probe.WaitStarted(30_000, () => output);
        var (conflict, conflictOutput) = Tool("host-b", ["start", name, "--cluster", pg.ConnectionString, .. Timing, "--", "sleep", "60"]);
        Assert.True(conflict == 75, conflictOutput);
        Assert.Contains("Daemon already running (host host-a, PID ", conflictOutput, StringComparison.Ordinal);

        var clock = Stopwatch.StartNew();
        var (stopCode, stopOutput) = Tool("host-b", "stop", name, "--cluster", pg.ConnectionString);
        Assert.True(stopCode == 0, stopOutput);
        Assert.True(Wait.Until(() => !probe.Alive, 15_000));
        Assert.True(probe.GotTerm);
        Results.Report($"cli stop --cluster of a started daemon: {Results.Ms(clock.Elapsed)} until released");
        Assert.Equal(3, Tool("host-a", "status", name).Code); // the host's files are gone too
        var (again, againOutput) = Tool("host-b", ["run", name, "--cluster", pg.ConnectionString, .. Timing, "--", "true"]);
        Assert.True(again == 0, againOutput);
    }

    [Fact]
    public async Task Losing_the_lease_sends_TERM_then_KILL_so_the_program_is_gone_within_StopWithin_and_the_supervisor_exits_69()
    {
        string name = Names.Unique("cli");
        var probe = Probe("a");
        var a = Run("host-a", name, probe, ignoreTerm: true);
        probe.WaitStarted(30_000, () => a.Output);
        int backend = StatusJson("host-b", name).GetProperty("backendPid").GetInt32();

        var clock = Stopwatch.StartNew();
        await TerminateBackendAsync(backend);
        Assert.True(Wait.Until(() => !probe.Alive, 10_000), a.Output);
        var gone = clock.Elapsed;
        Assert.True(a.WaitForExit(10_000), a.Output);
        Assert.Equal(69, a.ExitCode);
        Assert.True(probe.GotTerm, "TERM first");
        Assert.True(gone < StopWithin, $"the program was gone {Results.Ms(gone)} after the session ended; StopWithin is {Results.Ms(StopWithin)}");
        Assert.Contains("the cluster lease is lost", a.Output, StringComparison.Ordinal);
        Results.Report($"cli lease lost (pg_terminate_backend): program (ignoring TERM) gone after {Results.Ms(gone)}, StopWithin {Results.Ms(StopWithin)}");
    }

    [Fact]
    public async Task A_started_daemon_with_restart_always_is_not_restarted_after_its_lease_is_lost()
    {
        string name = Names.Unique("cli");
        var probe = Probe("a");
        var (code, output) = Tool("host-a", ["start", name, "--restart", "always", "--cluster", pg.ConnectionString, .. Timing, "--", .. probe.Command()]);
        Assert.True(code == 0, output);
        int first = probe.Pid;
        await TerminateBackendAsync(StatusJson("host-b", name).GetProperty("backendPid").GetInt32());
        Assert.True(Wait.Until(() => Tool("host-a", "status", name).Code is 1 or 3, 15_000), "the supervisor did not end");
        Assert.Equal(first, probe.Pid); // never started again
        string log = File.ReadAllText(Path.Join(Dir("host-a"), name + ".log"));
        Assert.Contains("the cluster lease is lost", log, StringComparison.Ordinal);
        Assert.DoesNotContain("restarting in", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_force_terminates_the_holders_session_the_program_is_terminated_and_the_supervisor_exits_69()
    {
        string name = Names.Unique("cli");
        var probe = Probe("a");
        var a = Run("host-a", name, probe);
        probe.WaitStarted(30_000, () => a.Output);
        var clock = Stopwatch.StartNew();
        var (code, output) = Tool("host-b", "stop", name, "--cluster", pg.ConnectionString, "--force");
        Assert.True(code == 0, output);
        Assert.True(a.WaitForExit(10_000), a.Output);
        Assert.Equal(69, a.ExitCode);
        Assert.True(probe.GotTerm);
        Assert.False(probe.Alive);
        Results.Report($"cli stop --cluster --force: holder's supervisor exited 69 after {Results.Ms(clock.Elapsed)}");
        var status = StatusJson("host-b", name);
        Assert.Equal("expired", status.GetProperty("state").GetString()); // not released: a successor waits out the lease
    }

    [Fact]
    public void A_SIGKILLed_supervisor_takes_its_program_with_it_and_another_host_takes_over_after_the_lease()
    {
        string name = Names.Unique("cli");
        var probe = Probe("a");
        var a = Run("host-a", name, probe);
        probe.WaitStarted(30_000, () => a.Output);
        var clock = Stopwatch.StartNew();
        a.Kill9();
        Assert.True(Wait.Until(() => !probe.Alive, 5_000), "the program outlived its SIGKILLed supervisor");
        var gone = clock.Elapsed;
        var second = Probe("b");
        var b = Run("host-b", name, second, false, "--wait", "30");
        second.WaitStarted(30_000, () => b.Output);
        var tookOver = clock.Elapsed;
        Assert.True(second.Epoch > probe.Epoch);
        Assert.True(tookOver > gone, "the successor ran after the old program was gone");
        Results.Report($"cli kill -9 of the supervisor: program gone after {Results.Ms(gone)} (PR_SET_PDEATHSIG), successor's program started after {Results.Ms(tookOver)}");
    }

    [Fact]
    public void Restart_replays_the_cluster_scope_and_the_program_gets_a_larger_token()
    {
        string name = Names.Unique("cli");
        var probe = Probe("a");
        var (code, output) = Tool("host-a", ["start", name, "--cluster", pg.ConnectionString, .. Timing, "--", .. probe.Command()]);
        Assert.True(code == 0, output);
        probe.WaitStarted(30_000, () => output);
        long first = probe.Epoch;
        File.Delete(probe.PidFile);
        var (restarted, restartOutput) = Tool("host-a", "restart", name);
        Assert.True(restarted == 0, restartOutput);
        probe.WaitStarted(30_000, () => restartOutput);
        Assert.True(probe.Epoch > first, $"epoch {probe.Epoch} after {first}");
        var status = StatusJson("host-b", name);
        Assert.Equal(probe.Epoch, status.GetProperty("epoch").GetInt64());
        Assert.Equal("host-a", status.GetProperty("host").GetString());
        Assert.Equal(0, Tool("host-b", "stop", name, "--cluster", pg.ConnectionString).Code);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void A_program_run_as_another_user_also_dies_with_its_SIGKILLed_supervisor()
    {
        Assert.SkipUnless(PostgresServer.IsRoot && OperatingSystem.IsLinux(), "--user needs root (and this test, Linux)");
        string name = Names.Unique("cli");
        var probe = Probe("a");
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0x1ED); // 0755, and 0777 for the probe: the program runs as nobody
        File.SetUnixFileMode(probe.Directory, (UnixFileMode)0x1FF);
        var a = Run("host-a", name, probe, false, "--user", "nobody");
        probe.WaitStarted(30_000, () => a.Output);
        string uid = File.ReadAllLines($"/proc/{probe.Pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t')[1];
        Assert.Equal("65534", uid);
        a.Kill9();
        Assert.True(Wait.Until(() => !probe.Alive, 5_000), "the program (as nobody) outlived its SIGKILLed supervisor");
    }

    [Fact]
    public void A_server_that_cannot_be_reached_is_an_error_naming_it_not_a_hang()
    {
        string name = Names.Unique("cli");
        string cs = PostgresServer.ConnectionStringFor(PostgresServer.FreePort());
        string server = "127.0.0.1:" + cs.Split(';')[1]["Port=".Length..];
        var clock = Stopwatch.StartNew();
        var (statusCode, statusOutput) = Tool("host-a", "status", name, "--cluster", cs);
        Assert.Equal(4, statusCode);
        Assert.Contains(server, statusOutput, StringComparison.Ordinal);
        var (runCode, runOutput) = Tool("host-a", "run", name, "--cluster", cs, "--", "true");
        Assert.Equal(1, runCode);
        Assert.Contains(server, runOutput, StringComparison.Ordinal);
        Assert.Equal(3, Tool("host-a", "status", name).Code); // the host lock was let go
        var (stopCode, stopOutput) = Tool("host-a", "stop", name, "--cluster", cs);
        Assert.Equal(1, stopCode);
        Assert.Contains(server, stopOutput, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Unsafe_timings_are_a_usage_error_before_anything_is_locked()
    {
        var (code, output) = Tool("host-a", "run", Names.Unique("cli"), "--cluster", pg.ConnectionString, "--lease-duration", "3", "--renew-deadline", "2", "--", "true");
        Assert.Equal(2, code);
        Assert.Contains("Unsafe cluster lease timing", output, StringComparison.Ordinal);
    }
}
