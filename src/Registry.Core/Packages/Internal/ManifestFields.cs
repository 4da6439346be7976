using System.Diagnostics.CodeAnalysis;
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
            : throw Reject.Because(fileName, missingRule, $"{TarArchiveScanner.ManifestName} has no {Reject.Quote(field)}", $"add \"{field}\" as a string");

    public string? OptionalString(string field, int maxLength)
    {
        if (!TryGet(field, JsonValueKind.String, "a string", out var value))
        {
            return null;
        }

        var text = value.GetString()!;
        return text.Length <= maxLength
            ? text
            : throw Reject.Because(fileName, PackageRules.MetadataInvalid, $"{Reject.Quote(field)} is {text.Length} characters long", $"keep it to at most {maxLength} characters");
    }

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

            var author = item.GetString()!;
            if (author.Trim().Length is 0 or > 256)
            {
                throw Reject.Because(fileName, PackageRules.MetadataInvalid, $"authors[{authors.Count}] is empty or longer than 256 characters", "give each author as a non-empty name of at most 256 characters");
            }

            authors.Add(author);
        }

        return authors;
    }

    public string? OptionalUrl(string field)
    {
        var text = OptionalString(field, 2048);
        if (text is null || IsWebUrl(text, out _))
        {
            return text;
        }

        throw Reject.Because(fileName, PackageRules.MetadataInvalid, $"{Reject.Quote(field)} is not an absolute http or https URL: {Reject.Quote(text)}", "write it as https://...");
    }

    private static bool IsWebUrl(string text, [NotNullWhen(true)] out Uri? uri) =>
        Uri.TryCreate(text, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0;
}
