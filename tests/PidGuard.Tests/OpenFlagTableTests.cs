using System.Runtime.InteropServices;
using PidGuard.Platform;

namespace PidGuard.Tests;

/// <summary>The open(2) flag tables per kernel and architecture (NativeOpenFlags), against the kernel headers.</summary>
public class OpenFlagTableTests
{
    [Theory]
    [InlineData(Architecture.X64)]
    [InlineData(Architecture.X86)]
    [InlineData(Architecture.RiscV64)]
    [InlineData(Architecture.LoongArch64)]
    [InlineData(Architecture.S390x)]
    public void Asm_generic_architectures_use_the_generic_nofollow_not_largefile(Architecture architecture)
    {
        var table = NativeOpenFlags.Linux(architecture);
        Assert.Equal(0x20000, table.ToNative(OpenFlags.NoFollow)); // O_NOFOLLOW 00400000
        Assert.NotEqual(0x8000, table.ToNative(OpenFlags.NoFollow)); // 0100000 is O_LARGEFILE there
        Assert.Equal(0x10000, table.ToNative(OpenFlags.Directory));
    }

    [Theory]
    [InlineData(Architecture.Arm64)]
    [InlineData(Architecture.Arm)]
    [InlineData(Architecture.Ppc64le)]
    public void Arm_and_powerpc_have_their_own_directory_and_nofollow(Architecture architecture)
    {
        var table = NativeOpenFlags.Linux(architecture);
        Assert.Equal(0x8000, table.ToNative(OpenFlags.NoFollow));
        Assert.Equal(0x4000, table.ToNative(OpenFlags.Directory));
    }

    [Fact]
    public void Flags_combine_into_the_native_bits()
    {
        var linux = NativeOpenFlags.Linux(Architecture.X64);
        Assert.Equal(0x2 | 0x40 | 0x80 | 0x20000 | 0x80000,
            linux.ToNative(OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.Exclusive | OpenFlags.NoFollow | OpenFlags.CloseOnExec));
        Assert.Equal(0, linux.ToNative(OpenFlags.ReadOnly));
        var mac = NativeOpenFlags.MacOS(Architecture.Arm64);
        Assert.Equal(0x1 | 0x200 | 0x100 | 0x1000000, mac.ToNative(OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.NoFollow | OpenFlags.CloseOnExec));
    }

    [Fact]
    public void An_architecture_without_a_table_is_refused_by_name()
    {
        var linux = Assert.Throws<PlatformNotSupportedException>(() => NativeOpenFlags.Linux(Architecture.Wasm));
        Assert.Contains("Linux on Wasm", linux.Message, StringComparison.Ordinal);
        Assert.Contains("O_NOFOLLOW", linux.Message, StringComparison.Ordinal);
        Assert.Throws<PlatformNotSupportedException>(() => NativeOpenFlags.MacOS(Architecture.Arm));
    }

    [Fact]
    public void This_machine_runs_the_linux_platform_with_its_own_table()
    {
        Assert.IsType<LinuxPlatform>(Platforms.Current);
        Assert.Equal("Linux " + RuntimeInformation.ProcessArchitecture, NativeOpenFlags.Current().System);
    }
}
