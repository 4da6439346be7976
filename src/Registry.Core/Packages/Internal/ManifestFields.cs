using System.Text.Json;

namespace Registry.Core.Packages.Internal;

/// <summary>Typed access to the top-level fields of <c>registry.json</c>, each refusal naming its field.</summary>
internal sealed class ManifestFields(Dictionary<string, JsonElement> fields, string fileName)
{
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "name", "version", "dependencies", "description", "license", "authors", "homepage", "repository",
    };

    public bool TryGet(string field, JsonValueKind kind, string expected, out JsonElement value)
    {
        if (!fields.TryGetValue(field, out value))
        {
            return false;
        }

        return value.ValueKind == kind ? true : throw ManifestParser.WrongType(fileName, field, expected, value);
    }

    /// <summary>A string field that must be there; its absence breaks <paramref name="missingRule"/>.</summary>
    public string RequiredString(string field, string missingRule) =>
        TryGet(field, JsonValueKind.String, "a string", out var value)
            ? value.GetString()!
            : throw Reject.Because(
                fileName,
                missingRule,
                $"{TarArchiveScanner.ManifestName} has no {Reject.Quote(field)}",
                $"add \"{field}\" as a string");

    public string? OptionalString(string field, int maxLength) =>
        TryGet(field, JsonValueKind.String, "a string", out var value)
            ? MetadataRules.Text(fileName, field, value.GetString()!, maxLength)
            : null;

    public IReadOnlyList<string> Authors()
    {
        if (!TryGet("authors", JsonValueKind.Array, "an array of strings", out var value))
        {
            return [];
        }

        var authors = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw ManifestParser.WrongType(fileName, $"authors[{authors.Count}]", "a string", item);
            }

            authors.Add(MetadataRules.Author(fileName, $"authors[{authors.Count}]", item.GetString()!));
        }

        return authors;
    }

    public string? OptionalUrl(string field) =>
        TryGet(field, JsonValueKind.String, "a string", out var value)
            ? MetadataRules.Url(fileName, field, value.GetString()!)
            : null;
}
