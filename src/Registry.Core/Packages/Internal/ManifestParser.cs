using System.Text.Json;
using System.Text.RegularExpressions;
using NuGet.Versioning;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// Reads <c>registry.json</c> field by field (a JsonDocument rather than a typed record, so
/// that each wrong type, unknown field and duplicate key is reported by name instead of as a
/// generic deserialisation error).
/// </summary>
internal static partial class ManifestParser
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal)
    {
        "name", "version", "dependencies", "description", "license", "authors", "homepage", "repository",
    };

    public static PackageManifest Parse(byte[] json, string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new ValidationException("manifest-json", $"{file}: registry.json is not valid JSON ({e.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ValidationException("manifest-type", $"{file}: registry.json must be a JSON object, not {Describe(root.ValueKind)}");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new ValidationException("manifest-json", $"{file}: registry.json has the field '{property.Name}' twice");
                }

                if (!Known.Contains(property.Name))
                {
                    throw new ValidationException("manifest-unknown-field",
                        $"{file}: registry.json has the unknown field '{property.Name}'; known fields: {string.Join(", ", Known)}");
                }
            }

            var name = RequiredString(root, "name", file);
            if (PackageName.Problem(name) is { } problem)
            {
                throw new ValidationException("name-invalid", $"{file}: the name '{name}' {problem}; names are {PackageName.Rule}");
            }

            var versionText = RequiredString(root, "version", file);
            if (!SemVerPattern().IsMatch(versionText) || !NuGetVersion.TryParse(versionText, out var version))
            {
                throw new ValidationException("version-invalid", $"{file}: the version '{versionText}' is not SemVer 2.0 (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], e.g. 1.4.0 or 2.0.0-rc.1)");
            }

            return new PackageManifest
            {
                Name = name,
                Version = version,
                Dependencies = Dependencies(root, name, file),
                Description = OptionalString(root, "description", 4096, file),
                License = OptionalString(root, "license", 256, file),
                Authors = Authors(root, file),
                Homepage = OptionalUrl(root, "homepage", file),
                Repository = OptionalUrl(root, "repository", file),
            };
        }
    }

    private static SortedDictionary<string, VersionRange> Dependencies(JsonElement root, string self, string file)
    {
        var result = new SortedDictionary<string, VersionRange>(StringComparer.Ordinal);
        if (!root.TryGetProperty("dependencies", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ValidationException("manifest-type", $"{file}: 'dependencies' must be an object of name to version range, not {Describe(element.ValueKind)}");
        }

        foreach (var dependency in element.EnumerateObject())
        {
            if (PackageName.Problem(dependency.Name) is { } problem)
            {
                throw new ValidationException("dependency-invalid", $"{file}: dependency name '{dependency.Name}' {problem}; names are {PackageName.Rule}");
            }

            if (dependency.Name == self)
            {
                throw new ValidationException("dependency-invalid", $"{file}: '{self}' depends on itself");
            }

            if (dependency.Value.ValueKind != JsonValueKind.String || !VersionRange.TryParse(dependency.Value.GetString()!, out var range))
            {
                throw new ValidationException("dependency-invalid",
                    $"{file}: dependency '{dependency.Name}' has the range {dependency.Value.GetRawText()}, which is not a NuGet version range (e.g. \"1.2.0\" for >= 1.2.0, \"[1.2.0, 2.0.0)\")");
            }

            if (!result.TryAdd(dependency.Name, range))
            {
                throw new ValidationException("manifest-json", $"{file}: dependency '{dependency.Name}' is listed twice");
            }
        }

        return result;
    }

    private static string RequiredString(JsonElement root, string field, string file)
    {
        if (!root.TryGetProperty(field, out var element))
        {
            throw new ValidationException("manifest-missing-field", $"{file}: registry.json has no '{field}'; it is required");
        }

        return element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new ValidationException("manifest-type", $"{file}: '{field}' must be a string, not {Describe(element.ValueKind)}");
    }

    private static string? OptionalString(JsonElement root, string field, int maxLength, string file)
    {
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw new ValidationException("manifest-type", $"{file}: '{field}' must be a string, not {Describe(element.ValueKind)}");
        }

        var value = element.GetString()!;
        return value.Length <= maxLength ? value : throw new ValidationException("metadata-invalid", $"{file}: '{field}' is {value.Length} characters; at most {maxLength}");
    }

    private static IReadOnlyList<string> Authors(JsonElement root, string file)
    {
        if (!root.TryGetProperty("authors", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array || element.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
        {
            throw new ValidationException("manifest-type", $"{file}: 'authors' must be an array of strings");
        }

        var authors = element.EnumerateArray().Select(a => a.GetString()!).ToList();
        return authors.Count <= 64 && authors.All(a => a.Length <= 256)
            ? authors
            : throw new ValidationException("metadata-invalid", $"{file}: 'authors' may hold at most 64 names of at most 256 characters");
    }

    private static string? OptionalUrl(JsonElement root, string field, string file)
    {
        var value = OptionalString(root, field, 2048, file);
        if (value is null)
        {
            return null;
        }

        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? value
            : throw new ValidationException("metadata-invalid", $"{file}: '{field}' is '{value}'; it must be an absolute http(s) URL");
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex SemVerPattern();
}
