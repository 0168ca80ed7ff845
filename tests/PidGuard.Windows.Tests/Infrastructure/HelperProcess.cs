using PidGuard.Platform.Windows;

namespace PidGuard.Windows.Tests.Infrastructure;

/// <summary>This test executable started in helper mode (see Program.cs), ended on Dispose if still running.</summary>
public sealed class HelperProcess : IDisposable
{
    private readonly StartedProcess _process;

    private HelperProcess(StartedProcess process) => _process = process;

    public int Pid => _process.Pid;
    public string StartToken => _process.StartToken;
    internal SafeObjectHandle Handle => _process.Handle;

    public static HelperProcess Start(params string[] arguments) => Start(job: null, [], arguments);

    internal static HelperProcess Start(WindowsJob job, params string[] arguments) => Start(job, [], arguments);

    /// <summary>Passes <paramref name="handles"/> on (the helper finds them in PIDGUARD_INHERITED_HANDLES).</summary>
    internal static HelperProcess Start(IReadOnlyList<System.Runtime.InteropServices.SafeHandle> handles, params string[] arguments) =>
        Start(job: null, handles, arguments);

    private static HelperProcess Start(WindowsJob? job, IReadOnlyList<System.Runtime.InteropServices.SafeHandle> handles, string[] arguments) =>
        new(WindowsProcessLauncher.Start(new WindowsStartInfo
        {
            Program = Environment.ProcessPath!,
            Arguments = [Helpers.HelperMain.Flag, .. arguments],
            Job = job,
            InheritedHandles = handles,
        }));

    public bool HasExited => WindowsProcessIdentity.HasExited(_process.Handle);

    /// <summary>Waits (bounded) for the exit and returns the exit code; fails the test on timeout.</summary>
    public int WaitForExitCode(TimeSpan? timeout = null)
    {
        var bound = timeout ?? Bounds.Step;
        Assert.True(WindowsProcessIdentity.WaitForExit(_process.Handle, (int)bound.TotalMilliseconds), $"helper {Pid} still running after {bound}");
        return (int)WindowsProcessIdentity.ExitCode(_process.Handle)!.Value;
    }

    public void Terminate(uint exitCode = 137)
    {
        WindowsProcessIdentity.Terminate(_process.Handle, exitCode);
        WindowsProcessIdentity.WaitForExit(_process.Handle, Bounds.StepMs);
    }

    public void Dispose()
    {
        if (!HasExited)
            Terminate();
        _process.Dispose();
    }
}
