using System.Collections.Immutable;
using System.Text.Json;
using NuGet.Versioning;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// Turns the bytes of <c>registry.json</c> into a <see cref="PackageManifest"/>, field by field.
/// A JsonDocument rather than a typed record because the rules need what deserialisation hides:
/// which field has which wrong JSON type, which unknown field (a typo like "dependecies" must
/// not silently drop dependencies), duplicate keys. The result is the typed record.
/// </summary>
internal static class ManifestParser
{
    private const string Manifest = TarArchiveScanner.ManifestName;

    public static PackageManifest Parse(byte[] json, string fileName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw Reject.Because(
                fileName,
                Rules.ManifestJson,
                $"{Manifest} is not valid JSON ({JsonProblem.Describe(e)})",
                "fix the JSON syntax");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw WrongType(fileName, "the top level", "an object", root);
            }

            var fields = Fields(root, fileName, "the top level");
            foreach (var name in fields.Keys.Where(k => !ManifestFields.Known.Contains(k)))
            {
                throw Reject.Because(fileName, Rules.ManifestUnknownField, $"{Manifest} has the unknown field "
                    + $"{Reject.Quote(name)}", "use only "
                        + $"{string.Join(", ", ManifestFields.Known.Order(StringComparer.Ordinal))} (check the "
                        + "spelling)");
            }

            var manifest = new ManifestFields(fields, fileName);
            var packageName = manifest.RequiredString("name", Rules.NameInvalid);
            if (PackageName.Problem(packageName) is { } nameProblem)
            {
                throw Reject.Because(
                    fileName,
                    Rules.NameInvalid,
                    $"package name {Reject.Quote(packageName)} {nameProblem}",
                    $"a name is {PackageName.Rule}");
            }

            var versionText = manifest.RequiredString("version", Rules.VersionInvalid);
            if (!StrictSemVer.IsValid(versionText) || !NuGetVersion.TryParse(versionText, out var version))
            {
                throw Reject.Because(fileName, Rules.VersionInvalid, $"version {Reject.Quote(versionText)} is not a "
                    + "SemVer 2.0 version", "write MAJOR.MINOR.PATCH with optional -prerelease and +build, e.g. 1.2.3 "
                        + "or 2.0.0-beta.1 (no leading 'v', exactly three numbers)");
            }

            var registries = new SortedDictionary<string, string>(StringComparer.Ordinal);
            return new PackageManifest
            {
                Name = packageName,
                Version = version,
                Dependencies = Dependencies(manifest, packageName, fileName, registries),
                DependencyRegistries = registries,
                Description = manifest.OptionalString("description", MetadataRules.MaxDescription),
                License = manifest.OptionalString("license", MetadataRules.MaxLicense),
                Authors = manifest.Authors(),
                Homepage = manifest.OptionalUrl("homepage"),
                Repository = manifest.OptionalUrl("repository"),
            };
        }
    }

    private static ImmutableSortedDictionary<string, VersionRange> Dependencies(
        ManifestFields fields,
        string self,
        string fileName,
        SortedDictionary<string, string> registries)
    {
        var result = ImmutableSortedDictionary.CreateBuilder<string, VersionRange>(StringComparer.Ordinal);
        if (!fields.TryGet(
            "dependencies",
            JsonValueKind.Object,
            "an object of package name to version range",
            out var element))
        {
            return result.ToImmutable();
        }

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in Fields(element, fileName, "dependencies"))
        {
            if (PackageName.Problem(name) is { } problem)
            {
                throw Reject.Because(
                    fileName,
                    Rules.DependencyInvalid,
                    $"dependency name {Reject.Quote(name)} {problem}",
                    $"a name is {PackageName.Rule}");
            }

            var normalized = PackageName.Normalize(name);
            if (normalized == PackageName.Normalize(self))
            {
                throw Reject.Because(
                    fileName,
                    Rules.DependencyInvalid,
                    $"package {Reject.Quote(self)} depends on itself",
                    "remove the self-dependency");
            }

            if (seen.TryGetValue(normalized, out var earlier))
            {
                throw Reject.Because(
                    fileName,
                    Rules.DependencyInvalid,
                    $"dependencies {Reject.Quote(earlier)} and {Reject.Quote(name)} name the same package",
                    "list each dependency once");
            }

            seen[normalized] = name;
            var text = DependencyRange(value, name, fileName, registries);

            // Floating ranges ("1.*") are refused: the resolver, not the manifest, picks among versions.
            if (!VersionRange.TryParse(text, allowFloating: false, out var range))
            {
                throw Reject.Because(
                    fileName,
                    Rules.DependencyInvalid,
                    $"dependency {Reject.Quote(name)} has the invalid version range {Reject.Quote(text)}",
                    RangeSyntax.Hint(text));
            }

            result[name] = range;
        }

        return result.ToImmutable();
    }

    /// <summary>
    /// A dependency's range: a string, or <c>{"range": "...", "registry": "ALIAS or URL"}</c> for a
    /// dependency in another registry (the registry is recorded in <paramref name="registries"/>).
    /// </summary>
    private static string DependencyRange(
        JsonElement value,
        string name,
        string fileName,
        SortedDictionary<string, string> registries)
    {
        const string Expected = "a version range string or an object {\"range\": ..., \"registry\": ...}";
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw WrongType(fileName, $"dependencies.{name}", Expected, value);
        }

        var fields = Fields(value, fileName, $"dependencies.{name}");
        foreach (var key in fields.Keys.Where(k => k is not ("range" or "registry")))
        {
            throw Reject.Because(
                fileName,
                Rules.ManifestUnknownField,
                $"{Manifest} has the unknown field {Reject.Quote($"dependencies.{name}.{key}")}",
                "a dependency object has only \"range\" and \"registry\"");
        }

        foreach (var key in new[] { "range", "registry" })
        {
            if (!fields.TryGetValue(key, out var field) || field.ValueKind != JsonValueKind.String
                || field.GetString()!.Length == 0)
            {
                throw Reject.Because(fileName, Rules.DependencyInvalid, $"dependency {Reject.Quote(name)} has no "
                    + $"{Reject.Quote(key)} string", $"write \"{name}\": {{\"range\": \"[1.0.0, )\", \"registry\": "
                        + $"\"ALIAS\"}}, where ALIAS is a registry the publishing registry knows");
            }
        }

        var registry = fields["registry"].GetString()!;
        if (registry.Length > MetadataRules.MaxUrl || registry.Any(char.IsControl))
        {
            throw Reject.Because(fileName, Rules.DependencyInvalid, $"dependency {Reject.Quote(name)} names a registry "
                + $"longer than {MetadataRules.MaxUrl} characters or with control characters", "name a known registry "
                    + "by its alias or URL");
        }

        registries[name] = registry;
        return fields["range"].GetString()!;
    }

    /// <summary>An object's properties, refusing a key that appears twice (JSON leaves that undefined).</summary>
    internal static Dictionary<string, JsonElement> Fields(JsonElement element, string fileName, string where)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!fields.TryAdd(property.Name, property.Value))
            {
                throw Reject.Because(
                    fileName,
                    Rules.ManifestJson,
                    $"{Manifest} has the key {Reject.Quote(property.Name)} twice in {where}",
                    "keep one of them");
            }
        }

        return fields;
    }

    internal static ValidationException WrongType(string fileName, string field, string expected, JsonElement actual) =>
        Reject.Because(
            fileName,
            Rules.ManifestType,
            $"{Manifest} field {Reject.Quote(field)} is {Article(actual.ValueKind)}, not {expected}",
            $"make {Reject.Quote(field)} {expected}");

    private static string Article(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "missing",
    };
}
