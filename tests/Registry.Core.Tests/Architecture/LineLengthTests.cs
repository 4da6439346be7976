using Registry.Testing;

namespace Registry.Core.Tests.Architecture;

/// <summary>
/// Lines of C# are at most 120 characters (README, "Build rules"). Roslynator's RCS0056 fails the
/// build on a long line of code in src/, but it skips comments and lines holding one long string
/// literal; this test reads every line of src/ and tests/ instead. The content of a raw string
/// literal (<c>"""</c>) is test data (a real nuspec, a page) and is exempt.
/// </summary>
public sealed class LineLengthTests
{
    public const int MaxLength = 120;

    [Fact]
    public void No_line_of_src_or_tests_is_longer_than_120_characters()
    {
        var root = InfraScript.RepositoryRoot;
        var sep = Path.DirectorySeparatorChar;
        var files = new[] { "src", "tests" }
            .SelectMany(folder => Directory.EnumerateFiles(
                Path.Combine(root, folder),
                "*.cs",
                SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{sep}obj{sep}", StringComparison.Ordinal)
                && !f.Contains($"{sep}bin{sep}", StringComparison.Ordinal));
        var tooLong = files
            .SelectMany(f => LongLines(File.ReadAllText(f)).Select(n => $"{Path.GetRelativePath(root, f)}:{n}"))
            .ToList();

        Assert.True(
            tooLong.Count == 0,
            $"{tooLong.Count} line(s) over {MaxLength} characters: " + string.Join(", ", tooLong.Take(50)));
    }

    [Fact]
    public void The_rule_finds_a_long_line_and_a_long_comment_but_not_raw_string_content()
    {
        var longCode = "var x = " + new string('a', 130) + ";";
        var longComment = "// " + new string('b', 130);
        var text = string.Join('\n', [
            "class C {",
            longCode,
            "const string Data = \"\"\"",
            new string('c', 200),
            "\"\"\";",
            longComment,
            "}"]);

        Assert.Equal([2, 6], LongLines(text));
    }

    /// <summary>The 1-based numbers of the lines over the limit, outside raw string literals.</summary>
    private static IEnumerable<int> LongLines(string text)
    {
        var inRaw = false;
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            if (CountOf(line, "\"\"\"") % 2 == 1)
            {
                inRaw = !inRaw;
                continue;
            }

            if (!inRaw && line.TrimEnd('\r').Length > MaxLength)
            {
                yield return number;
            }
        }
    }

    private static int CountOf(string line, string token)
    {
        var count = 0;
        for (var i = line.IndexOf(token, StringComparison.Ordinal); i >= 0;
            i = line.IndexOf(token, i + token.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
