using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;

namespace Registry.Search.Internal;

/// <summary>
/// Brings the search index up to the committed state. A publish touches only the shards its
/// package's words fall in, old words (from the package's record) and new ones; each shard is
/// replaced by compare-and-swap on the tag read before the state it is derived from was loaded,
/// so whoever swaps last wrote what the newest state says; a lost swap starts the round again.
/// The package's record is swapped after its shards, so it always names every shard that may
/// still list the package.
/// </summary>
internal sealed class SearchSync(ViewContext context)
{
    private const int MaxRounds = 10;

    private IObjectStore Store => context.Store;

    private int _files;
    private long _bytes;

    public async Task<ViewSyncStats> RunAsync(IReadOnlyCollection<string>? names, CancellationToken cancellationToken)
    {
        if (names is null)
        {
            return await RebuildAsync(cancellationToken).ConfigureAwait(false);
        }

        var pending = names.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var synced = 0;
        for (var round = 1; round <= MaxRounds; round++)
        {
            // Tags first (records, then the shards the old and the new words fall in), state last.
            var records = new Dictionary<string, StoredObject?>(StringComparer.Ordinal);
            foreach (var name in pending)
            {
                records[name] = await Store.GetOrNullAsync(SearchLayout.PackageKey(name), cancellationToken)
                    .ConfigureAwait(false);
            }

            var probe = await context.LoadState(cancellationToken).ConfigureAwait(false);
            var keys = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var name in pending)
            {
                keys.UnionWith(PackageRecord.KeysOf(records[name]?.Content));
                if (await ReadEntryAsync(probe, name, cancellationToken).ConfigureAwait(false) is { Entry: { } entry })
                {
                    keys.UnionWith(entry.Keys);
                }
            }

            var shards = new Dictionary<string, StoredObject?>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                shards[key] = await Store.GetOrNullAsync(SearchLayout.ShardKey(key), cancellationToken)
                    .ConfigureAwait(false);
            }

            var nuget = context.BaseUrl is null
                ? null
                : await NuGetSearchWriter.ReadTagsAsync(Store, keys, cancellationToken).ConfigureAwait(false);
            var state = await context.LoadState(cancellationToken).ConfigureAwait(false);

            var lost = new List<string>();
            var changes = new Dictionary<string, (SearchEntry? Entry, ISet<string> Keys)>(StringComparer.Ordinal);
            foreach (var name in pending)
            {
                var read = await ReadEntryAsync(state, name, cancellationToken).ConfigureAwait(false);
                if (read is null)
                {
                    continue;
                }

                if (read.Value.Name != name)
                {
                    // Asked under another spelling: its record and shards are read under the published one.
                    lost.Add(read.Value.Name);
                    continue;
                }

                var touched = new HashSet<string>(PackageRecord.KeysOf(records[name]?.Content), StringComparer.Ordinal);
                touched.UnionWith(read.Value.Entry?.Keys ?? new HashSet<string>());
                if (!touched.IsSubsetOf(keys))
                {
                    // The state moved between the two loads to words whose shards were not read first.
                    lost.Add(name);
                    continue;
                }

                changes[name] = (read.Value.Entry, touched);
            }

            var lostKeys = new HashSet<string>(StringComparer.Ordinal);
            var written = new Dictionary<string, SearchShard>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                var affected = changes.Where(c => c.Value.Keys.Contains(key)).ToList();
                if (affected.Count == 0)
                {
                    continue;
                }

                var shard = ParseOrEmpty(shards[key], key);
                foreach (var (name, change) in affected)
                {
                    shard.Remove(name);
                    if (change.Entry is { } entry)
                    {
                        shard.Add(entry);
                    }
                }

                if (!await SwapIfChangedAsync(
                    SearchLayout.ShardKey(key),
                    shards[key],
                    shard.ToBoundedJson(),
                    cancellationToken).ConfigureAwait(false))
                {
                    lostKeys.Add(key);
                    continue;
                }

                written[key] = shard;
            }

            if (nuget is not null && !await nuget.WriteAsync(
                context.BaseUrl!,
                written,
                changes.ToDictionary(c => c.Key, c => c.Value.Entry, StringComparer.Ordinal),
                SwapIfChangedAsync,
                cancellationToken).ConfigureAwait(false))
            {
                lost.AddRange(changes.Keys);
                pending = [.. lost.Distinct(StringComparer.Ordinal)];
                continue;
            }

            foreach (var (name, change) in changes)
            {
                if (change.Keys.Overlaps(lostKeys)
                    || !await SwapIfChangedAsync(
                        SearchLayout.PackageKey(name),
                        records[name],
                        PackageRecord.Write(name, change.Entry?.Keys ?? new HashSet<string>()),
                        cancellationToken).ConfigureAwait(false))
                {
                    lost.Add(name);
                    continue;
                }

                synced++;
            }

            if (lost.Count == 0)
            {
                return new ViewSyncStats(SearchView.ViewName, synced, _files, _bytes, round);
            }

            pending = [.. lost.Distinct(StringComparer.Ordinal)];
        }

        throw new ConflictException($"{Store.Location}: the search index of {string.Join(", ", pending)} kept changing "
            + "under this writer; the signed publish stands, run 'registry sync --view search' to bring the index up "
            + "to date");
    }

    /// <summary>Every shard and record from the whole signed index: the repair, and the first build of an existing
    /// registry.</summary>
    private async Task<ViewSyncStats> RebuildAsync(CancellationToken cancellationToken)
    {
        for (var round = 1; round <= 3; round++)
        {
            var shards = await ReadAllAsync(SearchLayout.Shards, cancellationToken).ConfigureAwait(false);
            var records = await ReadAllAsync(SearchLayout.Packages, cancellationToken).ConfigureAwait(false);
            var state = await context.LoadState(cancellationToken).ConfigureAwait(false);
            var entries = new List<SearchEntry>();
            var names = new List<string>();
            foreach (var index in await AllIndexesAsync(state, cancellationToken).ConfigureAwait(false))
            {
                names.Add(index.Name);
                if (SearchText.EntryOf(index) is { } entry)
                {
                    entries.Add(entry);
                }
            }

            var built = SearchIndexBuilder.Build(entries);
            var nuget = context.BaseUrl is null ? null : await NuGetSearchWriter.ReadTagsAsync(
                Store,
                built.Keys.Concat(shards.Keys.Select(KeyOfShardFile)),
                cancellationToken).ConfigureAwait(false);
            var lost = false;
            foreach (var key in built.Keys.Union(shards.Keys.Select(KeyOfShardFile), StringComparer.Ordinal)
                .Order(StringComparer.Ordinal))
            {
                var shard = built.GetValueOrDefault(key) ?? new SearchShard(key);
                lost |= !await SwapIfChangedAsync(
                    SearchLayout.ShardKey(key),
                    shards.GetValueOrDefault(SearchLayout.ShardKey(key)),
                    shard.ToBoundedJson(),
                    cancellationToken).ConfigureAwait(false);
            }

            if (nuget is not null)
            {
                var all = built.Keys.Union(shards.Keys.Select(KeyOfShardFile), StringComparer.Ordinal).ToDictionary(
                    k => k,
                    k => built.GetValueOrDefault(k) ?? new SearchShard(k),
                    StringComparer.Ordinal);
                lost |= !await nuget.WriteAllAsync(
                    context.BaseUrl!,
                    all,
                    entries,
                    SwapIfChangedAsync,
                    cancellationToken).ConfigureAwait(false);
            }

            var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
            foreach (var name in names)
            {
                var keys = byName.TryGetValue(name, out var entry) ? entry.Keys : new HashSet<string>();
                var key = SearchLayout.PackageKey(name);
                lost |= !await SwapIfChangedAsync(
                    key,
                    records.GetValueOrDefault(key),
                    PackageRecord.Write(name, keys),
                    cancellationToken).ConfigureAwait(false);
            }

            if (!lost)
            {
                return new ViewSyncStats(SearchView.ViewName, names.Count, _files, _bytes, round);
            }
        }

        throw new ConflictException($"{Store.Location}: the search index kept changing during a full sync; run "
            + "'registry sync --view search' again");
    }

    private static string KeyOfShardFile(string storeKey) => storeKey[SearchLayout.Shards.Length..^".json".Length];

    private async Task<Dictionary<string, StoredObject?>> ReadAllAsync(
        string prefix,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, StoredObject?>(StringComparer.Ordinal);
        await foreach (var item in Store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (item.Key.EndsWith(".json", StringComparison.Ordinal))
            {
                found[item.Key] = await Store.GetOrNullAsync(item.Key, cancellationToken).ConfigureAwait(false);
            }
        }

        return found;
    }

    /// <summary>Every signed index document of a state.</summary>
    internal static async Task<List<PackageIndex>> AllIndexesAsync(
        RegistryState state, CancellationToken cancellationToken) =>
        [.. (await state.ReadAllAsync(cancellationToken).ConfigureAwait(false)).Select(w => w.Index)];

    /// <summary>The published spelling and search entry of NAME in a state (entry null: every version yanked); null
    /// when the package does not exist.</summary>
    private static async Task<(string Name, SearchEntry? Entry)?> ReadEntryAsync(
        RegistryState state,
        string name,
        CancellationToken cancellationToken)
    {
        var path = RegistryLayout.IndexPath(name);
        var bytes = await state.ReadTargetOrNullAsync(path, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        var index = IndexJson.ParseIndex(bytes, path);
        return (index.Name, SearchText.EntryOf(index));
    }

    /// <summary>A stored shard, or an empty one when there is none or it is malformed (the rewrite replaces it; verify
    /// reports what was lost).</summary>
    private static SearchShard ParseOrEmpty(StoredObject? stored, string key)
    {
        if (stored is null)
        {
            return new SearchShard(key);
        }

        try
        {
            return SearchShard.Parse(stored.Content, key);
        }
        catch (FormatException)
        {
            return new SearchShard(key);
        }
    }

    /// <summary>Replaces a mutable file read as <paramref name="current"/> when its bytes differ; false when someone
    /// changed it meanwhile.</summary>
    private async Task<bool> SwapIfChangedAsync(
        string key,
        StoredObject? current,
        byte[] desired,
        CancellationToken cancellationToken)
    {
        if (current is not null && current.Content.AsSpan().SequenceEqual(desired))
        {
            return true;
        }

        if (await Store.SwapAsync(key, desired, current?.VersionTag, context.CachePolicy.For(key), cancellationToken)
            .ConfigureAwait(false) != SwapResult.Swapped)
        {
            return false;
        }

        _files++;
        _bytes += desired.LongLength;
        return true;
    }
}
