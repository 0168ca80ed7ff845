using System.Diagnostics;

namespace PidGuard.Cli;

/// <summary>How a child ended, from .NET's exit code (128 + N for a child killed by signal N).</summary>
internal static class ChildExit
{
    public static ExitRecord Of(Process child)
    {
        int code = child.ExitCode;
        return code is > 128 and <= 128 + 64
            ? new ExitRecord { Signal = code - 128, At = DateTimeOffset.UtcNow }
            : new ExitRecord { Code = code, At = DateTimeOffset.UtcNow };
    }

    public static ProcessStartInfo StartInfo(IReadOnlyList<string> command, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string a in command.Skip(1))
            psi.ArgumentList.Add(a);
        if (workingDirectory is not null)
            psi.WorkingDirectory = workingDirectory;
        return psi;
    }
}
