using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using PidGuard.Cli.Native;

namespace PidGuard.Cli;

/// <summary>
/// `pidguard __exec-as UID GID USER PATH ARGV0 ARGS...`: the step between the supervisor and a program
/// that runs as another user. posix_spawn cannot change the user, and a forked .NET process may call
/// nothing but async-signal-safe functions, so the supervisor spawns this tool again (same PID as the
/// program will have, the lock at descriptor 3), which sets the supplementary groups (initgroups),
/// the group and the user, checks they took, puts SIGPIPE back to its default (the runtime ignores
/// it, and an ignored signal survives exec) and execs the program. glibc applies setuid/setgid/
/// setgroups to every thread of the process. The PID and the kernel start time do not change across
/// exec, so the supervisor's record of the program stays true.
/// </summary>
internal static unsafe class ExecAs
{
    public const string Verb = "__exec-as";

    /// <summary>The arguments that make the supervisor's child become <paramref name="path"/> run as <paramref name="runAs"/>.</summary>
    public static List<string> Arguments(RunAs runAs, string path, IReadOnlyList<string> command) =>
    [
        Verb, runAs.Uid.ToString(CultureInfo.InvariantCulture), runAs.Gid.ToString(CultureInfo.InvariantCulture), runAs.UserName ?? "", path, .. command,
    ];

    public static int Run(string[] args)
    {
        if (args.Length < 6 || !uint.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid)
            || !uint.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint gid))
            return Fail("internal: usage: __exec-as UID GID USER PATH ARGV0 [ARGS...]", ExitCodes.Usage);
        string user = args[3], path = args[4];
        string[] argv = args[5..];
        if (user.Length > 0 ? Libc.InitGroups(user, gid) != 0 : SetOnlyGroup(gid) != 0)
            return Fail($"cannot set the supplementary groups of {Describe(user, uid)}: {LastError()}", ExitCodes.CannotExecute);
        if (Libc.SetGid(gid) != 0)
            return Fail($"cannot set group {gid}: {LastError()}", ExitCodes.CannotExecute);
        if (Libc.SetUid(uid) != 0)
            return Fail($"cannot become {Describe(user, uid)}: {LastError()}", ExitCodes.CannotExecute);
        if (Libc.GetUid() != uid || Libc.GetEUid() != uid || Libc.GetEGid() != gid)
            return Fail($"the switch to {Describe(user, uid)} did not take", ExitCodes.CannotExecute);
        return ExecProgram(path, argv, $" as {Describe(user, uid)}");
    }

    /// <summary>Puts SIGPIPE and the signal mask back to their defaults and execs; returns (126 or 127) only on failure.</summary>
    public static int ExecProgram(string path, string[] argv, string asWho = "")
    {
        int errno = Replace(path, argv);
        return errno == 2 /* ENOENT */
            ? Fail($"{argv[0]}: command not found ('{path}')", ExitCodes.CommandNotFound)
            : Fail($"cannot run '{path}'{asWho}: {Libc.ErrorText(errno)}", ExitCodes.CannotExecute);
    }

    /// <summary>Puts SIGPIPE and the signal mask back to their defaults and execs; returns the errno only on failure.</summary>
    public static int Replace(string path, string[] argv)
    {
        Libc.Signal(Libc.SigPipe, 0); // SIG_DFL
        byte* empty = stackalloc byte[256];
        new Span<byte>(empty, 256).Clear();
        Libc.SigProcMask(OperatingSystem.IsMacOS() ? 3 : Libc.SigSetMask, empty, null);
        Exec(path, argv);
        return Marshal.GetLastPInvokeError();
    }

    private static int SetOnlyGroup(uint gid) => Libc.SetGroups(1, &gid);

    private static void Exec(string path, string[] argv)
    {
        var blocks = new List<nint>();
        try
        {
            byte* p = Utf8(path, blocks);
            byte** array = (byte**)NativeMemory.Alloc((nuint)(argv.Length + 1), (nuint)sizeof(byte*));
            blocks.Add((nint)array);
            for (int i = 0; i < argv.Length; i++)
                array[i] = Utf8(argv[i], blocks);
            array[argv.Length] = null;
            Libc.ExecV(p, array); // returns only on failure
        }
        finally
        {
            foreach (nint block in blocks)
                NativeMemory.Free((void*)block);
        }
    }

    private static byte* Utf8(string text, List<nint> blocks)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        byte* block = (byte*)NativeMemory.Alloc((nuint)length + 1);
        blocks.Add((nint)block);
        Encoding.UTF8.GetBytes(text, new Span<byte>(block, length));
        block[length] = 0;
        return block;
    }

    private static string Describe(string user, uint uid) => user.Length > 0 ? $"user '{user}'" : $"uid {uid}";

    public static string LastError() => Libc.ErrorText(Marshal.GetLastPInvokeError());

    public static int Fail(string message, int code)
    {
        Output.Error.WriteLine($"pidguard: {message}");
        return code;
    }
}
