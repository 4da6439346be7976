using Registry.Core.Storage;

namespace Registry.Search.Internal;

/// <summary>Writes the NuGet search answers of the shards a sync wrote, and the default answer, by compare-and-swap on
/// tags read before the state.</summary>
internal sealed class NuGetSearchWriter(Dictionary<string, StoredObject?> tags)
{
    public delegate Task<bool> Swap(
        string key,
        StoredObject? current,
        byte[] desired,
        CancellationToken cancellationToken);

    public static async Task<NuGetSearchWriter> ReadTagsAsync(
        IObjectStore store,
        IEnumerable<string> keys,
        CancellationToken cancellationToken)
    {
        var tags = new Dictionary<string, StoredObject?>(StringComparer.Ordinal);
        foreach (var key in new[] { NuGetSearch.QueryDefaultKey, NuGetSearch.AutocompleteDefaultKey }
            .Concat(keys.Where(SearchText.IsAsciiKey).Distinct(StringComparer.Ordinal)
                .SelectMany(k => new[] { NuGetSearch.QueryKey(k), NuGetSearch.AutocompleteKey(k) })))
        {
            tags[key] = await store.GetOrNullAsync(key, cancellationToken).ConfigureAwait(false);
        }

        return new NuGetSearchWriter(tags);
    }

    /// <summary>After an incremental sync: the answers of the shards written, and the default answer with the changed
    /// packages moved to the front.</summary>
    public async Task<bool> WriteAsync(
        string baseUrl,
        IReadOnlyDictionary<string, SearchShard> shards,
        IReadOnlyDictionary<string, SearchEntry?> changes,
        Swap swap,
        CancellationToken cancellationToken)
    {
        var ok = await WriteKeysAsync(baseUrl, shards, swap, cancellationToken).ConfigureAwait(false);
        var recent = NuGetSearch.ParseRecent(tags[NuGetSearch.QueryDefaultKey]?.Content);
        recent.RemoveAll(r => changes.ContainsKey(r.Package.Name));
        recent.AddRange(changes.Values.OfType<SearchEntry>().Where(e => e.NuGetId is not null).Select(Recent));
        return await WriteDefaultAsync(baseUrl, recent, swap, cancellationToken).ConfigureAwait(false) && ok;
    }

    /// <summary>After a full sync: every key's answer and the default answer from every entry.</summary>
    public async Task<bool> WriteAllAsync(
        string baseUrl,
        IReadOnlyDictionary<string, SearchShard> shards,
        IEnumerable<SearchEntry> entries,
        Swap swap,
        CancellationToken cancellationToken)
    {
        var ok = await WriteKeysAsync(baseUrl, shards, swap, cancellationToken).ConfigureAwait(false);
        return await WriteDefaultAsync(
            baseUrl,
            entries.Where(e => e.NuGetId is not null).Select(Recent).ToList(),
            swap,
            cancellationToken).ConfigureAwait(false) && ok;
    }

    private static (ShardPackage, DateTimeOffset?) Recent(SearchEntry e)
        => (new ShardPackage(e.Name, e.Version, e.Description, e.NuGetId), e.Published);

    private async Task<bool> WriteKeysAsync(
        string baseUrl,
        IReadOnlyDictionary<string, SearchShard> shards,
        Swap swap,
        CancellationToken cancellationToken)
    {
        var ok = true;
        // Only ASCII keys get NuGet answers: the edges route a query by its first ASCII letters and digits.
        foreach (var (key, shard) in shards.Where(s => SearchText.IsAsciiKey(s.Key)))
        {
            var ranked = NuGetSearch.Ranked(shard);
            var queryKey = NuGetSearch.QueryKey(key);
            if (ranked.Count == 0 && tags.GetValueOrDefault(queryKey) is null)
            {
                continue;
            }

            ok &= await swap(
                queryKey,
                tags.GetValueOrDefault(queryKey),
                NuGetSearch.Query(baseUrl, ranked.Select(p => (p, (DateTimeOffset?)null)).ToList()),
                cancellationToken).ConfigureAwait(false);
            var autocompleteKey = NuGetSearch.AutocompleteKey(key);
            ok &= await swap(
                autocompleteKey,
                tags.GetValueOrDefault(autocompleteKey),
                NuGetSearch.Autocomplete(ranked),
                cancellationToken).ConfigureAwait(false);
        }

        return ok;
    }

    private async Task<bool> WriteDefaultAsync(
        string baseUrl,
        List<(ShardPackage Package, DateTimeOffset? Published)> recent,
        Swap swap,
        CancellationToken cancellationToken)
    {
        if (recent.Count == 0 && tags[NuGetSearch.QueryDefaultKey] is null)
        {
            return true;
        }

        var top = recent.OrderByDescending(r => r.Published ?? DateTimeOffset.MinValue)
            .ThenBy(r => r.Package.Name, StringComparer.Ordinal)
            .Take(NuGetSearch.RecentCount)
            .ToList();
        var query = await swap(
            NuGetSearch.QueryDefaultKey,
            tags[NuGetSearch.QueryDefaultKey],
            NuGetSearch.Query(baseUrl, top),
            cancellationToken).ConfigureAwait(false);
        var autocomplete = await swap(
            NuGetSearch.AutocompleteDefaultKey,
            tags[NuGetSearch.AutocompleteDefaultKey],
            NuGetSearch.Autocomplete(top.Select(t => t.Package).ToList()),
            cancellationToken).ConfigureAwait(false);
        return query && autocomplete;
    }
}
