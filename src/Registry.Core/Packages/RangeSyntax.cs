using System.Globalization;
using System.Text.RegularExpressions;

namespace Registry.Core.Packages;

/// <summary>
/// Version ranges are NuGet's (<c>2.0.0</c> is at least 2.0.0, <c>[2.0.0, 3.0.0)</c> from 2.0.0 up to
/// 3.0.0, <c>[2.0.0]</c> exactly). A range a user wrote in npm's or cargo's syntax (<c>^2.0.0</c>,
/// <c>~1.2</c>, <c>&gt;=1.0.0 &lt;2.0.0</c>, <c>1.x</c>, <c>1.0.0 - 2.0.0</c>) is refused with its
/// NuGet spelling, so the fix is in the message. One hint for every place a user writes a range:
/// a project's and a package's <c>registry.json</c>, and <c>registry fetch NAME@RANGE</c>.
/// </summary>
public static partial class RangeSyntax
{
    /// <summary>What to write instead of <paramref name="text"/>, for the "; ..." part of a refusal.</summary>
    public static string Hint(string text) => NuGetEquivalentOrNull(text) is { } nuget
        ? $"ranges use NuGet's syntax, where {text.Trim()} is written {nuget} (a bare version such as 2.0.0 means at "
            + "least 2.0.0)"
        : "ranges use NuGet's syntax: 2.0.0 means at least 2.0.0, [2.0.0, 3.0.0) from 2.0.0 up to but not 3.0.0, "
            + "[2.0.0] exactly 2.0.0";

    /// <summary>The NuGet range an npm or cargo range means (<c>^2.0.0</c>: <c>[2.0.0, 3.0.0)</c>), or null when it is
    /// not one of them.</summary>
    public static string? NuGetEquivalentOrNull(string text)
    {
        text = text.Trim();
        if (Hyphen().Match(text) is { Success: true } hyphen)
        {
            return Partial.ParseOrNull(hyphen.Groups[1].Value) is { } low
                && Partial.ParseOrNull(hyphen.Groups[2].Value) is { } high
                ? $"[{low}, {high}]"
                : null;
        }

        var parts = text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 2 && Bound(parts[0]) is { Lower: true } lower && Bound(parts[1]) is { Lower: false } upper)
        {
            return $"{lower.Bracket}{lower.Version}, {upper.Version}{upper.Bracket}";
        }

        return parts.Length == 1 ? Single(parts[0]) : null;
    }

    private static string? Single(string text)
    {
        if (text.Length > 1 && text[0] is '^' or '~' && Partial.ParseOrNull(text[1..]) is { } version)
        {
            return $"[{version}, {(text[0] == '^' ? version.NextCaret() : version.NextTilde())})";
        }

        if (text.Length > 1 && text[0] == '=' && Partial.ParseOrNull(text[1..]) is { } exact)
        {
            return $"[{exact}]";
        }

        if (Wildcard().Match(text) is { Success: true } wildcard
            && Partial.ParseOrNull(wildcard.Groups[1].Value) is { } prefix)
        {
            return $"[{prefix}, {prefix.NextTilde()})";
        }

        return Bound(text) switch
        {
            { Lower: true, Bracket: '[' } at => at.Version.ToString(),
            { Lower: true } above => $"({above.Version}, )",
            { } below => $"(, {below.Version}{below.Bracket}",
            null => null,
        };
    }

    /// <summary><c>&gt;=1.0</c> is a lower bound <c>[1.0.0</c>, <c>&lt;2</c> an upper bound <c>2.0.0)</c>.</summary>
    private static (bool Lower, char Bracket, Partial Version)? Bound(string text)
    {
        foreach (var (op, lower, bracket) in new[] {
            (">=", true, '['),
            ("<=", false, ']'),
            (">", true, '('),
            ("<", false, ')') })
        {
            if (text.StartsWith(op, StringComparison.Ordinal) && Partial.ParseOrNull(text[op.Length..]) is { } version)
            {
                return (lower, bracket, version);
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(\S+)\s+-\s+(\S+)$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Hyphen();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\.[xX*]$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Wildcard();

    [GeneratedRegex(
        @"^v?(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(-[0-9A-Za-z.-]+)?$",
        RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex Version();

    /// <summary>A version as npm and cargo let one be written: 1, 1.2, 1.2.3, with an optional pre-release.</summary>
    private sealed record Partial(int Major, int Minor, int Patch, int Parts, string PreRelease)
    {
        public static Partial? ParseOrNull(string text)
        {
            var match = Version().Match(text);
            if (!match.Success)
            {
                return null;
            }

            static int Part(Group group) => group.Success ? int.Parse(group.Value, CultureInfo.InvariantCulture) : 0;
            var parts = match.Groups[3].Success ? 3 : match.Groups[2].Success ? 2 : 1;
            return new Partial(
                Part(match.Groups[1]),
                Part(match.Groups[2]),
                Part(match.Groups[3]),
                parts,
                match.Groups[4].Value);
        }

        /// <summary>^1.2.3 stops below 2.0.0, ^0.2.3 below 0.3.0, ^0.0.3 below 0.0.4 (the leftmost non-zero
        /// part).</summary>
        public string NextCaret() =>
            Major > 0 || Parts == 1 ? $"{Major + 1}.0.0"
            : Minor > 0 || Parts == 2 ? $"0.{Minor + 1}.0"
            : $"0.0.{Patch + 1}";

        /// <summary>~1.2.3 and ~1.2 stop below 1.3.0; ~1 below 2.0.0.</summary>
        public string NextTilde() => Parts == 1 ? $"{Major + 1}.0.0" : $"{Major}.{Minor + 1}.0";

        public override string ToString() => $"{Major}.{Minor}.{Patch}{PreRelease}";
    }
}
