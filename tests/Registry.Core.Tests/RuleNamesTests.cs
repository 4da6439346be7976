using System.Reflection;
using System.Text.RegularExpressions;
using Registry.Testing;

namespace Registry.Core.Tests;

/// <summary>The one list of rule names (<see cref="Rules"/>) and the tables documenting them are one set.</summary>
public sealed partial class RuleNamesTests
{
    [Fact]
    public void Every_rule_constant_is_documented_and_every_documented_rule_is_a_constant()
    {
        var constants = typeof(Rules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(constants.Count, constants.Distinct(StringComparer.Ordinal).Count());

        var documented = TableRules("package-format.md").Concat(TableRules("protocol.md", "## Rule names"))
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(constants.Except(documented, StringComparer.Ordinal));
        Assert.Empty(documented.Except(constants, StringComparer.Ordinal));
    }

    /// <summary>The first-column names of a doc's rule tables (of one section when a heading is given).</summary>
    private static IEnumerable<string> TableRules(string doc, string? from = null)
    {
        var lines = File.ReadAllLines(Path.Combine(InfraScript.RepositoryRoot, "docs", doc));
        var start = from is null ? 0 : Array.IndexOf(lines, from);
        Assert.True(start >= 0, $"docs/{doc} has no '{from}' section");
        var inTable = false;
        foreach (var line in lines.Skip(start + 1))
        {
            if (from is not null && line.StartsWith("## ", StringComparison.Ordinal))
            {
                break;
            }

            if (line.StartsWith("| rule |", StringComparison.Ordinal))
            {
                inTable = true;
                continue;
            }

            if (!line.StartsWith('|'))
            {
                inTable = false;
                continue;
            }

            if (inTable)
            {
                foreach (Match name in RuleCell().Matches(line.Split('|')[1]))
                {
                    yield return name.Groups[1].Value;
                }
            }
        }
    }

    [GeneratedRegex("`([a-z][a-z0-9-]*)`")]
    private static partial Regex RuleCell();
}
