using PidGuard.Platform;
using PidGuard.Tests.Infrastructure;

namespace PidGuard.Tests.Protocol;

/// <summary>A file is PidGuard's to lock or remove when it is the user's own, or, for root only, the runtime directory owner's.</summary>
public sealed class FileOwnershipTests : IDisposable
{
    private readonly TestDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private (string Path, FileStatus Status) NobodysFileInNobodysDirectory()
    {
        Prerequisite.RequireRoot("chown to another user");
        string dir = Path.Join(_dir.Root, "theirs");
        Directory.CreateDirectory(dir);
        string path = Path.Join(dir, "d.pid");
        File.WriteAllText(path, "1\n");
        StaleFilesTests.GiveToNobody(dir, path);
        return (path, Platforms.Current.LStat(path)!.Value);
    }

    [Fact]
    public void Root_may_touch_a_file_of_the_user_who_owns_its_directory()
    {
        var (path, status) = NobodysFileInNobodysDirectory();
        Assert.True(FileOwnership.IsOurs(Platforms.Current, status, path));
    }

    [Fact]
    public void Another_user_may_not_even_where_the_owners_match()
    {
        var (path, status) = NobodysFileInNobodysDirectory();
        Assert.False(FileOwnership.IsOurs(new Uid(4242), status, path));
    }

    [Fact]
    public void Root_may_not_touch_a_third_users_file_in_its_own_directory()
    {
        Prerequisite.RequireRoot("chown to another user");
        string path = Path.Join(_dir.Root, "foreign.pid");
        File.WriteAllText(path, "1\n");
        StaleFilesTests.GiveToNobody(path);
        Assert.False(FileOwnership.IsOurs(Platforms.Current, Platforms.Current.LStat(path)!.Value, path));
    }

    private sealed class Uid(uint uid) : DelegatingPlatform
    {
        public override uint EffectiveUserId => uid;
    }
}
