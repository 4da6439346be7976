using System.CommandLine;
using System.Text.RegularExpressions;
using Registry.Testing;

namespace Registry.Cli.Tests;

/// <summary>
/// docs/commands.md cannot drift from <c>--help</c>: every option and argument a command's help
/// lists is in that command's section (or in the shared options paragraph of its chapter), and
/// every option the section's heading or option table documents is one the command has.
/// </summary>
public sealed partial class CommandDocsTests
{
    private static readonly string[] Global = ["--help", "--verbose"];

    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var (path, _) in Leaves(CliApp.Build(new CliContext(TextWriter.Null, TextWriter.Null)), "registry"))
        {
            data.Add(path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Docs_list_exactly_the_options_and_arguments_of_the_help(string path)
    {
        var command = Leaves(CliApp.Build(new CliContext(TextWriter.Null, TextWriter.Null)), "registry").Single(
            c => c.Path == path).Command;
        var (heading, text) = Section(path);
        var options = command.Options.Where(o => !Global.Contains(o.Name)).ToList();

        var undocumented = options
            .Where(o => !o.Aliases.Append(o.Name).Any(
                name => Regex.IsMatch(text, $@"(?<![a-z0-9-]){Regex.Escape(name)}(?![a-z0-9-])")))
            .Select(o => o.Name)
            .ToList();
        Assert.True(undocumented.Count == 0, $"docs/commands.md, section '{heading}', does not mention "
            + $"{string.Join(", ", undocumented)} of '{path} --help'");

        var arguments = command.Arguments.Select(a => a.Name.ToUpperInvariant()).Where(a => !heading.Contains(
            a,
            StringComparison.Ordinal) && !heading.Contains(a.TrimEnd('S') + "...", StringComparison.Ordinal)).ToList();
        Assert.True(
            arguments.Count == 0,
            $"the heading '{heading}' does not name the argument(s) {string.Join(", ", arguments)} of '{path} --help'");

        var documented = OptionTokens().Matches(heading + "\n"
            + string.Join("\n", text.Split('\n').Where(l => l.StartsWith("| `--", StringComparison.Ordinal))))
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        var unknown = documented.Where(o => !options.Any(x => x.Name == o || x.Aliases.Contains(o))).ToList();
        Assert.True(unknown.Count == 0, $"docs/commands.md, section '{heading}', documents "
            + $"{string.Join(", ", unknown)}, which '{path} --help' does not list");
    }

    /// <summary>Commands that do something (group commands such as <c>root</c> only hold others).</summary>
    private static IEnumerable<(string Path, Command Command)> Leaves(Command command, string path)
    {
        if (command.Subcommands.Count == 0)
        {
            yield return (path, command);
        }

        foreach (var subcommand in command.Subcommands)
        {
            foreach (var leaf in Leaves(subcommand, $"{path} {subcommand.Name}"))
            {
                yield return leaf;
            }
        }
    }

    /// <summary>
    /// The <c>### `registry PATH ...`</c> section (a heading may name several commands:
    /// <c>`source list`</c>), with the preamble of its <c>##</c> chapter (the shared options).
    /// </summary>
    private static (string Heading, string Text) Section(string path)
    {
        var lines = File.ReadAllLines(Path.Combine(InfraScript.RepositoryRoot, "docs", "commands.md"));
        var tail = path["registry ".Length..];
        var start = Array.FindIndex(lines, l => l.StartsWith("### ", StringComparison.Ordinal)
            && (l.Contains($"`{path} ", StringComparison.Ordinal) || l.Contains($"`{path}`", StringComparison.Ordinal)
                || (tail.Contains(' ', StringComparison.Ordinal) && (l.Contains($"`{tail} ", StringComparison.Ordinal)
                    || l.Contains($"`{tail}`", StringComparison.Ordinal)))));
        Assert.True(start >= 0, $"docs/commands.md has no '### `{path} ...`' section");
        var end = Array.FindIndex(
            lines,
            start + 1,
            l => l.StartsWith("## ", StringComparison.Ordinal) || l.StartsWith("### ", StringComparison.Ordinal));
        var chapter = Array.FindLastIndex(lines, start, l => l.StartsWith("## ", StringComparison.Ordinal));
        var preambleEnd = Array.FindIndex(lines, chapter + 1, l => l.StartsWith("#", StringComparison.Ordinal));
        var text = string.Join("\n", lines[chapter..preambleEnd]) + "\n"
            + string.Join("\n", lines[start..(end < 0 ? lines.Length : end)]);
        return (lines[start], text);
    }

    [GeneratedRegex(@"(--[a-z0-9][a-z0-9-]*)")]
    private static partial Regex OptionTokens();
}
