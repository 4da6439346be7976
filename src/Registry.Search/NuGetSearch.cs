using System.Globalization;
using System.Text.Json;
using Registry.Core;
using Registry.Core.NuGet;

namespace Registry.Search;

/// <summary>
/// NuGet's search and autocomplete, as static files (docs/search.md, "NuGet search"). NuGet puts
/// the query in the query string (<c>query.json?q=plug&amp;skip=0&amp;take=20</c>), which a static
/// store ignores; an edge rewrite (infra/varnish, infra/edge) sends it to the answer for the query's
/// first three letters or digits, <c>query/KEY.json</c>. Without the rewrite the bare URL answers
/// with the <see cref="RecentCount"/> most recently published NuGet packages.
/// </summary>
public static class NuGetSearch
{
    public const string Root = RegistryLayout.NuGetSearchRoot;

    /// <summary>The bare query URL: the default answer (most recent packages).</summary>
    public const string QueryDefaultKey = Root + "query.json";

    /// <summary>The bare autocomplete URL: the ids of the default answer.</summary>
    public const string AutocompleteDefaultKey = Root + "autocomplete.json";

    /// <summary>Packages in the default answer.</summary>
    public const int RecentCount = 50;

    /// <summary>Packages in one key's answer (a static answer cannot honour skip and take).</summary>
    public const int MaxPerKey = 100;

    public static string QueryKey(string key) => $"{Root}query/{key}.json";

    public static string AutocompleteKey(string key) => $"{Root}autocomplete/{key}.json";

    /// <summary>The entries the NuGet view's service index lists for search (the NuGet feed adds them when the search
    /// view is on).</summary>
    public static IReadOnlyList<NuGetServiceResource> ServiceIndexResources(string baseUrl)
    {
        var query = baseUrl + QueryDefaultKey;
        var autocomplete = baseUrl + AutocompleteDefaultKey;
        const string QueryComment = "Static search: answered per first three letters or digits of q by the edge; the "
            + "bare URL lists the most recently published packages";
        const string AutocompleteComment = "Static autocomplete: package ids per first three letters or digits of q";
        return
        [
            new(query, "SearchQueryService", QueryComment),
            new(query, "SearchQueryService/3.0.0-beta", QueryComment),
            new(query, "SearchQueryService/3.0.0-rc", QueryComment),
            new(query, "SearchQueryService/3.5.0", QueryComment),
            new(autocomplete, "SearchAutocompleteService", AutocompleteComment),
            new(autocomplete, "SearchAutocompleteService/3.0.0-beta", AutocompleteComment),
            new(autocomplete, "SearchAutocompleteService/3.0.0-rc", AutocompleteComment),
            new(autocomplete, "SearchAutocompleteService/3.5.0", AutocompleteComment),
        ];
    }

    /// <summary>
    /// The key a NuGet query's <c>q</c> is answered from, as every edge rewrite computes it: the
    /// first three ASCII letters or digits of its first whitespace-separated word; null (the bare
    /// URL's default answer) when that word has none.
    /// </summary>
    public static string? KeyOfQuery(string q)
    {
        var first = q.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (first is null)
        {
            return null;
        }

        // ASCII only, as the edges compute it (VCL has no Unicode classes); answers exist for ASCII keys only.
        var key = new string(first.Where(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9'))
            .Take(SearchText.KeyLength)
            .Select(char.ToLowerInvariant)
            .ToArray());
        return key.Length == 0 ? null : key;
    }

    /// <summary>The NuGet packages of a shard, best first (the name itself, a run of the name, a description word;
    /// shorter names first).</summary>
    internal static List<ShardPackage> Ranked(SearchShard shard)
    {
        var best = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (word, names) in shard.Words)
        {
            foreach (var name in names)
            {
                var tier = SearchText.Tier(name, word);
                best[name] = Math.Min(best.GetValueOrDefault(name, int.MaxValue), tier);
            }
        }

        return shard.Packages.Values.Where(p => p.NuGetId is not null)
            .OrderBy(p => best.GetValueOrDefault(p.Name, 2)).ThenBy(p => p.Name
                .Length).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Take(MaxPerKey).ToList();
    }

    /// <summary>A NuGet search answer: <c>totalHits</c> and <c>data</c> items with id, version, description, versions
    /// and registration.</summary>
    internal static byte[] Query(
        string baseUrl,
        IReadOnlyList<(ShardPackage Package, DateTimeOffset? Published)> packages) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("totalHits", packages.Count);
        writer.WriteStartArray("data");
        foreach (var (package, published) in packages)
        {
            var name = package.Name;
            var version = NuGetFeed.VersionText(package.Version);
            var registration = baseUrl + NuGetFeed.RegistrationKey(name);
            writer.WriteStartObject();
            writer.WriteString("@id", registration);
            writer.WriteString("@type", "Package");
            writer.WriteString("registration", registration);
            writer.WriteString("id", package.NuGetId);
            writer.WriteString("version", version);
            writer.WriteString("description", package.Description);
            writer.WriteString("title", package.NuGetId);
            writer.WriteNumber("totalDownloads", 0);
            writer.WriteBoolean("verified", false);
            writer.WriteStartArray("packageTypes");
            writer.WriteStartObject();
            writer.WriteString("name", "Dependency");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteStartArray("versions");
            writer.WriteStartObject();
            writer.WriteString("version", version);
            writer.WriteNumber("downloads", 0);
            writer.WriteString("@id", $"{baseUrl}{NuGetFeed.Registration}{name}/{version}.json");
            writer.WriteEndObject();
            writer.WriteEndArray();
            if (published is { } when)
            {
                // Not a NuGet field (clients ignore it): the default answer is kept in publish order by it.
                var stamp = when.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                writer.WriteString("published", stamp);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>A NuGet autocomplete answer: <c>totalHits</c> and <c>data</c>, the ids.</summary>
    internal static byte[] Autocomplete(IReadOnlyList<ShardPackage> packages) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("totalHits", packages.Count);
        writer.WriteStartArray("data");
        foreach (var package in packages)
        {
            writer.WriteStringValue(package.NuGetId);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    });

    /// <summary>The items of a stored default answer (to keep it in publish order without reading the whole index);
    /// empty when malformed.</summary>
    internal static List<(ShardPackage Package, DateTimeOffset? Published)> ParseRecent(byte[]? content)
    {
        var items = new List<(ShardPackage, DateTimeOffset?)>();
        if (content is null)
        {
            return items;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            foreach (var item in document.RootElement.GetProperty("data").EnumerateArray())
            {
                var id = item.GetProperty("id").GetString()!;
                var published = item.TryGetProperty("published", out var p) && DateTimeOffset.TryParse(
                    p.GetString(),
                    System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal,
                    out var when) ? when : (DateTimeOffset?)null;
                items.Add((new ShardPackage(
                    id.ToLowerInvariant(),
                    item.GetProperty("version").GetString()!,
                    item.GetProperty("description").GetString() ?? "",
                    id), published));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            items.Clear();
        }

        return items;
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
