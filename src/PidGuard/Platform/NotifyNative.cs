using System.Runtime.InteropServices;

namespace PidGuard.Platform;

/// <summary>Linux socket calls for the sd_notify listener: a datagram socket that receives the sender's credentials.</summary>
internal static unsafe partial class NotifyNative
{
    private const string Libc = "libc";

    internal const int AfUnix = 1;
    internal const int SockDgram = 2;
    internal const int SockCloExec = 0x80000;
    internal const int SolSocket = 1;
    internal const int SoPassCred = 16;
    internal const int ScmCredentials = 2;
    internal const int SunPathLength = 108;
    internal const short PollIn = 1;

    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct CMsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct UCred
    {
        public int Pid;
        public uint Uid;
        public uint Gid;
    }

    [LibraryImport(Libc, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Libc, EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(int fd, byte* address, uint length);

    [LibraryImport(Libc, EntryPoint = "setsockopt", SetLastError = true)]
    internal static partial int SetSockOpt(int fd, int level, int name, int* value, uint length);

    [LibraryImport(Libc, EntryPoint = "recvmsg", SetLastError = true)]
    internal static partial nint RecvMsg(int fd, MsgHdr* message, int flags);

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(UnixNative.PollFd* fds, nuint count, int timeoutMs);
}
