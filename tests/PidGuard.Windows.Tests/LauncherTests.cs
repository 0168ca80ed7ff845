using System.Globalization;
using System.Text;
using PidGuard.Platform.Windows;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests;

/// <summary>Starting a program with exactly the handles and arguments meant for it.</summary>
public sealed class LauncherTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public unsafe void Only_the_listed_handles_reach_the_program()
    {
        string passed = _dir.File("passed.txt"), notPassed = _dir.File("not-passed.txt");
        File.WriteAllText(passed, "p");
        File.WriteAllText(notPassed, "n");
        using var passedHandle = File.OpenHandle(passed, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var inheritable = Interop.SecurityAttributes.For(null, inherit: true);
        using var inheritableHandle = Interop.Kernel32.CreateFile(notPassed, Interop.Kernel32.FileAccessRights.GenericRead,
            Interop.Kernel32.FileShareMode.All, &inheritable, Interop.Kernel32.CreationDisposition.OpenExisting, 0, 0);
        Assert.False(inheritableHandle.IsInvalid);
        string value = inheritableHandle.DangerousGetHandle().ToString(CultureInfo.InvariantCulture);

        using var helper = HelperProcess.Start([passedHandle], "check-handles", passed, notPassed, value);
        Assert.Equal(0, helper.WaitForExitCode());
    }

    [Fact]
    public void Arguments_arrive_exactly_as_given()
    {
        string output = _dir.File("args.txt");
        string[] arguments = ["plain", "", "two words", "quote\"inside", @"trailing\", @"back\\slashes\", @"\\server\share", "tab\there", "ünïcödé"];
        using var helper = HelperProcess.Start(["write-args", output, .. arguments]);
        Assert.Equal(0, helper.WaitForExitCode());
        var received = File.ReadAllLines(output).Select(line => Encoding.UTF8.GetString(Convert.FromBase64String(line))).ToArray();
        Assert.Equal(arguments, received);
    }

    [Fact]
    public void A_missing_program_is_a_clear_error()
    {
        var error = Assert.Throws<ProgramNotFoundException>(() => WindowsProcessLauncher.Start(new WindowsStartInfo { Program = _dir.File("nope.exe") }));
        Assert.Contains("nope.exe", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_program_started_suspended_in_a_job_never_runs_outside_it()
    {
        using var job = WindowsJob.Create(null, killOnClose: true);
        using var helper = HelperProcess.Start(job, "exit", "5");
        Assert.True(job.Contains(helper.Handle));
        Assert.Equal(5, helper.WaitForExitCode());
    }
}
