using System.Reflection;
using System.Text.RegularExpressions;
using PidGuard.Hosting;

namespace PidGuard.Tests;

/// <summary>Conventions of the packaged libraries, checked on their assemblies and their source.</summary>
public partial class ApiConventionTests
{
    private static readonly Assembly[] Libraries =
        [typeof(InstanceLock).Assembly, typeof(PidGuardHostingExtensions).Assembly, typeof(Cluster.Postgres.PostgresClusterLock).Assembly];

    /// <summary>Public classes meant to be derived from; every other public class is sealed or static.</summary>
    private static readonly Type[] OpenByDesign = [typeof(PidGuardException), typeof(AlreadyRunningException)];

    [Fact]
    public void Public_classes_are_sealed_or_static_unless_designed_as_a_base()
    {
        var open = Libraries.SelectMany(a => a.GetExportedTypes())
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract && !OpenByDesign.Contains(t))
            .Select(t => t.FullName)
            .ToList();
        Assert.True(open.Count == 0, "public classes neither sealed nor static: " + string.Join(", ", open));
    }

    [Fact]
    public void Every_await_in_library_code_uses_ConfigureAwait_false()
    {
        var missing = new List<string>();
        foreach (string file in LibrarySources())
        {
            string code = StripComments(File.ReadAllText(file));
            foreach (Match m in AwaitPattern().Matches(code))
            {
                string statement = StatementFrom(code, m.Index);
                if (!statement.Contains(".ConfigureAwait(false)", StringComparison.Ordinal))
                    missing.Add($"{Path.GetFileName(file)}: {statement.Split('\n')[0].Trim()}");
            }
        }
        Assert.True(missing.Count == 0, "await without ConfigureAwait(false):\n" + string.Join('\n', missing));
    }

    [Fact]
    public void Libraries_never_write_to_the_console()
    {
        var offenders = LibrarySources()
            .Where(f => StripComments(File.ReadAllText(f)).Contains("Console.", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();
        Assert.True(offenders.Count == 0, "Console used in library code: " + string.Join(", ", offenders));
    }

    [Fact]
    public void The_scanners_of_these_conventions_see_what_they_look_for()
    {
        // A convention test that cannot fail is a defect: prove the scanners find the patterns.
        string code = "async Task A() { await Task.Delay(1); await Task.Run(() => { x(); }).ConfigureAwait(false); } // await nothing";
        var statements = AwaitPattern().Matches(StripComments(code)).Select(m => StatementFrom(StripComments(code), m.Index)).ToList();
        Assert.Equal(2, statements.Count);
        Assert.DoesNotContain(".ConfigureAwait(false)", statements[0], StringComparison.Ordinal);
        Assert.Contains(".ConfigureAwait(false)", statements[1], StringComparison.Ordinal);
        Assert.NotEmpty(LibrarySources());
    }

    private static List<string> LibrarySources()
    {
        string root = RepositoryRoot();
        return new[] { "src/PidGuard", "src/PidGuard.Hosting", "src/PidGuard.Cluster.Postgres" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Join(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToList();
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Join(dir.FullName, "PidGuard.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("the repository root (PidGuard.slnx) is not above " + AppContext.BaseDirectory);
    }

    private static string StripComments(string code) => CommentPattern().Replace(code, "");

    /// <summary>The text from <paramref name="start"/> to the end of its statement: the first ';' outside brackets.</summary>
    private static string StatementFrom(string code, int start)
    {
        int depth = 0;
        for (int i = start; i < code.Length; i++)
        {
            switch (code[i])
            {
                case '(' or '{' or '[':
                    depth++;
                    break;
                case ')' or '}' or ']':
                    depth--;
                    break;
                case ';' when depth <= 0:
                    return code[start..i];
            }
        }
        return code[start..];
    }

    [GeneratedRegex(@"\bawait\s+(?!using\b|foreach\b)")]
    private static partial Regex AwaitPattern();

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex CommentPattern();
}
