using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;
using static PidGuard.Platform.Windows.Interop.Kernel32;

namespace PidGuard.Platform.Windows;

/// <summary>
/// CreateProcessW with exactly the handles the request names (PROC_THREAD_ATTRIBUTE_HANDLE_LIST):
/// no other inheritable handle of this process reaches the program.
/// </summary>
[SupportedOSPlatform("windows")]
internal static class WindowsProcessLauncher
{
    // Passed handles are inheritable duplicates for the duration of one CreateProcess. Another
    // thread's CreateProcess with bInheritHandles and no handle list (e.g. Process.Start with
    // redirection) could inherit them in that window; serialising our own starts is all we can do.
    private static readonly Lock s_gate = new();

    public static unsafe StartedProcess Start(WindowsStartInfo info)
    {
        var flags = ProcessCreationFlags.CreateUnicodeEnvironment | ProcessCreationFlags.ExtendedStartupInfoPresent
            | (info.Job is not null ? ProcessCreationFlags.CreateSuspended : 0)
            | (info.NewProcessGroup ? ProcessCreationFlags.CreateNewProcessGroup : 0)
            | (info.NoWindow ? ProcessCreationFlags.CreateNoWindow : 0)
            | (info.BreakawayFromJob ? ProcessCreationFlags.CreateBreakawayFromJob : 0);
        string commandLine = WindowsCommandLine.Build(info.Program, info.Arguments);

        using var nul = NeedsNul(info) ? OpenNul() : null;
        var duplicates = new List<nint>();
        ProcessInformation started;
        lock (s_gate)
        {
            try
            {
                nint stdin = Inheritable(info.StandardInput ?? nul!, duplicates);
                nint stdout = Inheritable(info.StandardOutput ?? nul!, duplicates);
                nint stderr = Inheritable(info.StandardError ?? nul!, duplicates);
                var passed = info.InheritedHandles.Select(handle => Inheritable(handle, duplicates)).ToList();
                string? environment = EnvironmentFor(info, passed);
                started = Create(info, flags, commandLine, environment, stdin, stdout, stderr, duplicates);
            }
            finally
            {
                foreach (nint duplicate in duplicates)
                    CloseHandle(duplicate);
            }
        }

        var process = new SafeObjectHandle();
        Marshal.InitHandle(process, started.hProcess);
        try
        {
            if (info.Job is not null)
            {
                info.Job.Assign(process);
                if (ResumeThread(started.hThread) == uint.MaxValue)
                    throw WindowsIOException.Last("ResumeThread", info.Program);
            }
            return new StartedProcess(started.dwProcessId, process, WindowsProcessIdentity.CreationTime(process));
        }
        catch
        {
            TerminateProcess(process, 1);
            process.Dispose();
            throw;
        }
        finally
        {
            CloseHandle(started.hThread);
        }
    }

    private static unsafe ProcessInformation Create(
        WindowsStartInfo info, ProcessCreationFlags flags, string commandLine, string? environment,
        nint stdin, nint stdout, nint stderr, List<nint> inherited)
    {
        nint size = 0;
        InitializeProcThreadAttributeList(0, 1, 0, ref size);
        nint attributes = Marshal.AllocHGlobal(size);
        try
        {
            if (!InitializeProcThreadAttributeList(attributes, 1, 0, ref size))
                throw WindowsIOException.Last("InitializeProcThreadAttributeList", null);
            try
            {
                nint[] list = inherited.Distinct().ToArray();
                fixed (nint* handles = list)
                {
                    if (!UpdateProcThreadAttribute(attributes, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handles, list.Length * IntPtr.Size, 0, 0))
                        throw WindowsIOException.Last("UpdateProcThreadAttribute(HANDLE_LIST)", null);
                    var startup = new StartupInfoEx { lpAttributeList = attributes };
                    startup.StartupInfo.cb = sizeof(StartupInfoEx);
                    startup.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
                    startup.StartupInfo.hStdInput = stdin;
                    startup.StartupInfo.hStdOutput = stdout;
                    startup.StartupInfo.hStdError = stderr;
                    // CreateProcessW may write into the command line buffer.
                    char[] line = (commandLine + "\0").ToCharArray();
                    fixed (char* lineBuffer = line)
                    fixed (char* environmentBlock = environment)
                    {
                        if (CreateProcess(info.Program, lineBuffer, 0, 0, true, flags, environmentBlock, info.WorkingDirectory, &startup, out var started))
                            return started;
                    }
                    int error = Marshal.GetLastPInvokeError();
                    if (error is Interop.Errors.ERROR_FILE_NOT_FOUND or Interop.Errors.ERROR_PATH_NOT_FOUND)
                        throw new ProgramNotFoundException(info.Program);
                    throw new WindowsIOException(error, "CreateProcessW", info.Program);
                }
            }
            finally
            {
                DeleteProcThreadAttributeList(attributes);
            }
        }
        finally
        {
            Marshal.FreeHGlobal(attributes);
        }
    }

    /// <summary>
    /// The environment block, with <see cref="WindowsStartInfo.InheritedHandlesVariable"/> naming the
    /// values the passed handles have in the program; null (inherit ours) when there is nothing to add.
    /// </summary>
    private static string? EnvironmentFor(WindowsStartInfo info, List<nint> passed)
    {
        if (passed.Count == 0)
            return info.Environment is null ? null : WindowsCommandLine.EnvironmentBlock(info.Environment);
        var variables = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (info.Environment is null)
        {
            foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
                variables[(string)entry.Key] = (string?)entry.Value ?? "";
        }
        else
        {
            foreach (var (key, value) in info.Environment)
                variables[key] = value;
        }
        variables[WindowsStartInfo.InheritedHandlesVariable] =
            string.Join(',', passed.Select(h => h.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return WindowsCommandLine.EnvironmentBlock(variables);
    }

    private static nint Inheritable(SafeHandle handle, List<nint> duplicates)
    {
        nint self = GetCurrentProcess();
        if (!DuplicateHandle(self, handle, self, out nint duplicate, 0, true, DUPLICATE_SAME_ACCESS))
            throw WindowsIOException.Last("DuplicateHandle", null);
        duplicates.Add(duplicate);
        return duplicate;
    }

    private static bool NeedsNul(WindowsStartInfo info) =>
        info.StandardInput is null || info.StandardOutput is null || info.StandardError is null;

    private static unsafe SafeFileHandle OpenNul()
    {
        var nul = CreateFile("NUL", FileAccessRights.GenericRead | FileAccessRights.GenericWrite, FileShareMode.All, null,
            CreationDisposition.OpenExisting, FileFlagsAndAttributes.None, 0);
        if (nul.IsInvalid)
            throw WindowsIOException.Last("CreateFileW", "NUL");
        return nul;
    }
}
