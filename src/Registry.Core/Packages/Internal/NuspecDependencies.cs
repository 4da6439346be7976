using System.Collections.Immutable;
using System.Xml.Linq;
using NuGet.Versioning;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// A .nuspec's <c>&lt;dependencies&gt;</c>, two ways: the groups as declared (for NuGet clients)
/// and one flat map for the registry's resolver, which has no target frameworks. The flat map is
/// the union over all groups; an id in several groups with different ranges keeps the range with
/// the highest minimum version (no minimum is lowest; on a tie the first declared stays), so a
/// package installs with what its most demanding framework needs.
/// </summary>
internal static class NuspecDependencies
{
    public static (IReadOnlyList<NuGetDependencyGroup> Groups, ImmutableSortedDictionary<string, VersionRange> Flat)
        Read(XElement? dependencies, string self, string fileName)
    {
        var groupElements = dependencies?.Elements().Where(e => e.Name.LocalName == "group").ToList() ?? [];
        var ungrouped = dependencies?.Elements().Where(e => e.Name.LocalName == "dependency").ToList() ?? [];
        if (groupElements.Count > 0 && ungrouped.Count > 0)
        {
            throw Reject.Because(
                fileName,
                Rules.DependencyInvalid,
                "<dependencies> mixes <group> elements with ungrouped <dependency> elements, which NuGet ignores",
                "put every dependency in a <group>");
        }

        var flat = new SortedDictionary<string, VersionRange>(StringComparer.Ordinal);
        var spelt = new Dictionary<string, string>(StringComparer.Ordinal); // normalised name -> lowercase id
        var groups = new List<NuGetDependencyGroup>();
        var declared = groupElements.Count > 0
            ? groupElements.Select(g => (Framework: g.Attribute("targetFramework")?.Value, Items: g.Elements()
                .Where(e => e.Name.LocalName == "dependency")
                .ToList()))
            : [(Framework: (string?)null, Items: ungrouped)];
        foreach (var (framework, items) in declared)
        {
            var group = new List<NuGetDependency>();
            var inGroup = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                var (id, range) = Dependency(item, fileName);
                var name = id.ToLowerInvariant();
                var normalized = PackageName.Normalize(name);
                if (normalized == PackageName.Normalize(self))
                {
                    throw Invalid(
                        fileName,
                        $"package {Reject.Quote(self)} depends on itself",
                        "remove the self-dependency");
                }

                if (!inGroup.Add(name) || (spelt.TryGetValue(normalized, out var other) && other != name))
                {
                    throw Invalid(fileName, $"dependency {Reject.Quote(id)} is listed twice in a group or names the "
                        + "same package as another id", "list each dependency once per group");
                }

                spelt[normalized] = name;
                group.Add(new NuGetDependency(id, range.ToNormalizedString()));
                if (!flat.TryGetValue(name, out var kept) || HigherMinimum(range, kept))
                {
                    flat[name] = range;
                }
            }

            groups.Add(new NuGetDependencyGroup(framework, group));
        }

        return (groups, flat.ToImmutableSortedDictionary(StringComparer.Ordinal));
    }

    private static (string Id, VersionRange Range) Dependency(XElement item, string fileName)
    {
        var id = item.Attribute("id")?.Value.Trim()
            ?? throw Invalid(fileName, "a <dependency> has no id", "give every dependency an id attribute");
        if (NuGetNames.Problem(id) is { } problem)
        {
            throw Invalid(fileName, $"dependency id {Reject.Quote(id)} {problem}", NuGetNames.Rules);
        }

        // No version attribute means any version, as NuGet reads it. Floating ranges are refused as in registry.json.
        var text = item.Attribute("version")?.Value;
        if (string.IsNullOrWhiteSpace(text))
        {
            return (id, VersionRange.All);
        }

        return VersionRange.TryParse(text, allowFloating: false, out var range)
            ? (id, range)
            : throw Invalid(
                fileName,
                $"dependency {Reject.Quote(id)} has the invalid version range {Reject.Quote(text)}",
                "use a NuGet version range such as 1.2.0 (at least), [1.2.0, 2.0.0) or [1.2.3]");
    }

    private static bool HigherMinimum(VersionRange candidate, VersionRange kept) =>
        candidate.MinVersion is { } min && (kept.MinVersion is null || min > kept.MinVersion);

    private static ValidationException Invalid(string fileName, string problem, string fix) =>
        Reject.Because(fileName, Rules.DependencyInvalid, problem, fix);
}
