namespace Registry.Search.Internal;

/// <summary>The whole index from a set of entries: what a full sync writes and what the audit compares
/// against.</summary>
internal static class SearchIndexBuilder
{
    public static SortedDictionary<string, SearchShard> Build(IEnumerable<SearchEntry> entries)
    {
        var shards = new SortedDictionary<string, SearchShard>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            foreach (var key in entry.Keys)
            {
                if (!shards.TryGetValue(key, out var shard))
                {
                    shards[key] = shard = new SearchShard(key);
                }

                shard.Add(entry, sort: false);
            }
        }

        foreach (var shard in shards.Values)
        {
            shard.Sort();
        }

        return shards;
    }
}
