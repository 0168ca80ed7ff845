using PidGuard.Platform.Windows;
using PidGuard.Windows.Tests.Infrastructure;

namespace PidGuard.Windows.Tests;

/// <summary>The runtime directory: owner-only DACL on creation, refused when others may write it.</summary>
public sealed class RuntimeDirectoryTests : IDisposable
{
    private readonly TestDir _dir = new();
    private readonly WindowsUser _user = WindowsUser.Current;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_created_directory_is_owned_by_the_user_and_writable_by_no_one_else()
    {
        string path = _dir.File("pidguard");
        Assert.True(WindowsRuntimeDirectory.Create(path, _user));
        Assert.False(WindowsRuntimeDirectory.Create(path, _user));
        Assert.Null(WindowsRuntimeDirectory.Problem(path, _user));

        var security = WindowsSecurityDescriptor.ReadPath(path);
        Assert.True(_user.IsSelf(security.OwnerSid!), $"owner {security.OwnerSid}, user {_user.UserSid}");
        Assert.NotNull(security.Dacl);
        Assert.Contains(security.Dacl, e => e.Allows && e.Sid == _user.UserSid);
        Assert.Null(WindowsDacl.FirstForeignWriter(security.Dacl,
            sid => _user.IsSelf(sid) || sid is WindowsSids.LocalSystem or WindowsSids.Administrators));
    }

    [Fact]
    public void A_directory_everyone_may_write_is_refused_naming_everyone()
    {
        string path = _dir.File("open");
        Assert.True(WindowsRuntimeDirectory.Create(path, _user));
        WindowsSecurityDescriptor.SetFileDacl(path, "D:P(A;OICI;FA;;;WD)");
        string? problem = WindowsRuntimeDirectory.Problem(path, _user);
        Assert.NotNull(problem);
        Assert.Contains("Everyone", problem, StringComparison.Ordinal);
        var error = Assert.Throws<IOException>(() => WindowsRuntimeDirectory.Ensure(path, _user));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symbolic_link_to_a_good_directory_is_refused()
    {
        string real = _dir.File("real"), link = _dir.File("link");
        Assert.True(WindowsRuntimeDirectory.Create(real, _user));
        SymbolicLinks.Create(real, link, directory: true);
        Assert.Contains("reparse point", WindowsRuntimeDirectory.Problem(link, _user), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_where_the_directory_should_be_is_refused()
    {
        string path = _dir.File("file");
        File.WriteAllText(path, "");
        Assert.Contains("not a directory", WindowsRuntimeDirectory.Problem(path, _user), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_parent_is_not_created()
    {
        string path = _dir.File(Path.Join("missing", "pidguard"));
        var error = Assert.Throws<WindowsIOException>(() => WindowsRuntimeDirectory.Create(path, _user));
        Assert.Equal(Interop.Errors.ERROR_PATH_NOT_FOUND, error.NativeErrorCode);
    }

    [Fact]
    public void The_default_is_under_local_app_data_for_a_user()
    {
        string expected = Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "pidguard");
        if (_user.UserSid != WindowsSids.LocalSystem)
            Assert.Equal(expected, WindowsRuntimeDirectory.Default(_user));
        Assert.StartsWith($"O:{_user.UserSid}D:P(A;OICI;FA;;;{_user.UserSid})", WindowsRuntimeDirectory.OwnerOnlySddl(_user), StringComparison.Ordinal);
    }
}
