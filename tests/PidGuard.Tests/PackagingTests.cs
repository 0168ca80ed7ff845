using System.Diagnostics;
using System.Globalization;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests;

/// <summary>
/// The packages as users get them: packed into a local feed, consumed by a fresh worker project
/// outside the repository (no Directory.Build.props, no project references), run twice.
/// </summary>
public class PackagingTests : IDisposable
{
    private static readonly TimeSpan CommandBound = TimeSpan.FromMinutes(5);
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_fresh_worker_built_from_the_packages_runs_once_and_a_second_copy_exits_75()
    {
        string root = ApiConventionTests.RepositoryRoot();
        string feed = Path.Join(_dir.Root, "feed");
        string app = Path.Join(_dir.Root, "app");
        Directory.CreateDirectory(app);
        // A version of its own, so that the NuGet cache never serves an older build of these packages.
        string version = "1.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        foreach (string project in new[] { "src/PidGuard", "src/PidGuard.Hosting", "src/PidGuard.Cluster.Postgres" })
            Dotnet(root, "pack", Path.Join(root, project), "-c", "Release", "-o", feed, $"-p:Version={version}");
        foreach (string package in new[] { "PidGuard", "PidGuard.Hosting", "PidGuard.Cluster.Postgres" })
        {
            Assert.True(File.Exists(Path.Join(feed, $"{package}.{version}.nupkg")), $"{package}.{version}.nupkg was not packed");
            Assert.True(File.Exists(Path.Join(feed, $"{package}.{version}.snupkg")), $"{package}.{version}.snupkg was not packed");
        }

        await File.WriteAllTextAsync(Path.Join(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Join(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="PidGuard.Hosting" Version="{version}" />
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.14" />
              </ItemGroup>
            </Project>
            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Join(app, "Program.cs"), """
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;
            using PidGuard.Hosting;

            var builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddPidGuard("packaged");
            builder.Services.AddHostedService<Work>();
            using var host = builder.Build();
            return await host.RunAsDaemonAsync();

            sealed class Work : BackgroundService
            {
                protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken);
            }
            """, TestContext.Current.CancellationToken);
        Dotnet(app, "build", "-c", "Release", "-o", Path.Join(app, "out"));

        string dll = Path.Join(app, "out", "app.dll");
        using var first = StartApp(dll);
        var firstOutput = first.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var paths = DaemonPaths.For("packaged", _dir.Runtime);
        bool running = SpinWait.SpinUntil(() => first.HasExited
            || DaemonProbe.GetStatus("packaged", _dir.Options()) is { State: DaemonState.Running, IsIdentityVerified: true, Reason: null } s && s.Pid == first.Id, 60_000);
        Assert.True(running && !first.HasExited, "the packaged worker never ran");
        using (var second = StartApp(dll))
        {
            var secondOutput = second.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            Assert.True(second.WaitForExit(60_000), "the second copy did not exit");
            Assert.Equal(75, second.ExitCode);
            Assert.Contains($"Daemon already running (PID: {first.Id})", await secondOutput.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        var outcome = await DaemonStopper.StopAsync("packaged", StopSchedule.Parse("TERM/20/KILL/5"), options: _dir.Options(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(StopResult.Terminated, outcome.Result);
        Assert.True(first.WaitForExit(30_000));
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("released its instance lock", await firstOutput.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.False(File.Exists(paths.PidFile));
    }

    private Process StartApp(string dll)
    {
        var psi = new ProcessStartInfo(ChildProcess.Dotnet) { UseShellExecute = false, RedirectStandardOutput = true };
        psi.ArgumentList.Add(dll);
        psi.Environment["PidGuard__RuntimeDirectory"] = _dir.Runtime;
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        psi.Environment.Remove(InstanceLock.SupervisorPidEnvironmentVariable);
        psi.Environment.Remove("NOTIFY_SOCKET");
        return Process.Start(psi)!;
    }

    private static void Dotnet(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo(ChildProcess.Dotnet) { WorkingDirectory = workingDirectory };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var result = BoundedProcess.Run(psi, CommandBound, "dotnet " + string.Join(' ', args));
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Stdout}\n{result.Stderr}");
    }
}
