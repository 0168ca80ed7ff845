using System.Text.RegularExpressions;

namespace PidGuard.Tests;

/// <summary>
/// Every C# snippet in the documentation compiles: each must appear, line by line and in order, in a
/// source file under samples/ (which the solution builds with warnings as errors).
/// </summary>
public partial class DocumentationSnippetTests
{
    [Fact]
    public void Every_csharp_snippet_in_the_docs_is_compiled_code_from_samples()
    {
        string root = ApiConventionTests.RepositoryRoot();
        var sources = Directory.EnumerateFiles(Path.Join(root, "samples"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToDictionary(f => f, f => Lines(File.ReadAllText(f)));
        var docs = new[] { Path.Join(root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Join(root, "docs"), "*.md"))
            .Concat(Directory.EnumerateFiles(Path.Join(root, "src"), "PACKAGE.md", SearchOption.AllDirectories));
        int checkedSnippets = 0;
        var orphans = new List<string>();
        foreach (string doc in docs)
        {
            foreach (Match block in CSharpBlock().Matches(File.ReadAllText(doc)))
            {
                checkedSnippets++;
                var snippet = Lines(block.Groups[1].Value);
                if (!sources.Values.Any(source => IsSubsequence(snippet, source)))
                    orphans.Add($"{Path.GetRelativePath(root, doc)}: a snippet starting '{snippet.FirstOrDefault()}'");
            }
        }
        Assert.True(orphans.Count == 0, "snippets not found in any compiled sample:\n" + string.Join('\n', orphans));
        Assert.True(checkedSnippets >= 4, $"only {checkedSnippets} snippets found: the extraction is broken");
    }

    [Fact]
    public void The_snippet_matcher_rejects_code_that_differs()
    {
        var source = Lines("class A\n{\n    void M() { Call(1); }\n    int x;\n}");
        Assert.True(IsSubsequence(Lines("void M() { Call(1); }\nint x;"), source));
        Assert.False(IsSubsequence(Lines("void M() { Call(2); }"), source));
        Assert.False(IsSubsequence(Lines("int x;\nvoid M() { Call(1); }"), source));
    }

    private static List<string> Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

    private static bool IsSubsequence(List<string> snippet, List<string> source)
    {
        int at = 0;
        foreach (string line in source)
        {
            if (at < snippet.Count && line == snippet[at])
                at++;
        }
        return at == snippet.Count;
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
