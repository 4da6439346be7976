using System.Collections.Concurrent;
using Registry.Core.Index;
using Registry.Core.Storage;
using Registry.Core.Views;

namespace Registry.Search.Internal;

/// <summary>
/// The search index against the signed index, for <c>verify</c>. An error is something the signed
/// index never said: a shard naming a package or a version it does not have, a description no
/// version had, a word no version of the package had, or a malformed shard. A shard that is only
/// behind (a missing package, an older version or description, the words of an older description)
/// is a warning: a publish killed after its commit leaves exactly that, and <c>registry sync</c>
/// repairs it.
/// </summary>
internal sealed class SearchAudit(IObjectReader reader, bool probe) : IViewAudit
{
    private const string Sync = "run 'registry sync --view search'";
    private const int Probes = 3;
    private readonly ConcurrentDictionary<string, PackageIndex> _indexes = new(StringComparer.Ordinal);

    public Task CheckAsync(PackageIndex index, ViewFindings findings, CancellationToken cancellationToken)
    {
        _indexes[index.Name] = index;
        return Task.CompletedTask;
    }

    public async Task FinishAsync(ViewFindings findings, CancellationToken cancellationToken)
    {
        var entries = _indexes.Values.Select(SearchText.EntryOf).OfType<SearchEntry>()
            .ToDictionary(e => e.Name, StringComparer.Ordinal);
        var expected = SearchIndexBuilder.Build(entries.Values);
        if (probe && !await IsWrittenAsync(expected, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // Where a stale or forged shard can be: the keys of every word any signed version had, and,
        // in a store (not over HTTP, which cannot list), every shard file there is.
        var keys = new SortedSet<string>(expected.Keys, StringComparer.Ordinal);
        keys.UnionWith(_indexes.Values.SelectMany(SearchText.EverSaid).Select(SearchText.KeyOf).OfType<string>());
        if (reader is IObjectStore store)
        {
            await foreach (var item in store.ListAsync(SearchLayout.Shards, cancellationToken).ConfigureAwait(false))
            {
                if (item.Key.EndsWith(".json", StringComparison.Ordinal))
                {
                    keys.Add(item.Key[SearchLayout.Shards.Length..^".json".Length]);
                }
            }
        }

        foreach (var key in keys)
        {
            var want = expected.GetValueOrDefault(key);
            var file = SearchLayout.ShardKey(key);
            var stored = await reader.GetCappedOrNullAsync(file, 4L * SearchShard.MaxBytes, cancellationToken)
                .ConfigureAwait(false);
            if (stored is null)
            {
                if (want is not null)
                {
                    findings.Warning($"{file}: missing ({want.Packages.Count} package(s) have words in it); {Sync}");
                }

                continue;
            }

            SearchShard shard;
            try
            {
                shard = SearchShard.Parse(stored.Content, key);
            }
            catch (FormatException e)
            {
                findings.Error($"{file}: {e.Message}");
                continue;
            }

            var errors = CheckAgainstSigned(file, shard, findings);
            want ??= new SearchShard(key);
            var full = want.Words
                .ToDictionary(w => w.Key, w => w.Value.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
            if (errors == 0 && !stored.Content.AsSpan().SequenceEqual(want.ToBoundedJson())
                && !IsTrimmedSubset(shard, full))
            {
                findings.Warning($"{file}: behind the signed index; {Sync}");
            }
        }
    }

    /// <summary>
    /// Whether the view wrote anything, where the settings cannot say: the records of the first
    /// packages by name, then the shards with the most packages (at most 2 x <see cref="Probes"/> requests).
    /// </summary>
    private async Task<bool> IsWrittenAsync(
        IReadOnlyDictionary<string, SearchShard> expected,
        CancellationToken cancellationToken)
    {
        var probes = _indexes.Keys.Order(StringComparer.Ordinal).Take(Probes).Select(SearchLayout.PackageKey)
            .Concat(expected.OrderByDescending(s => s.Value.Packages.Count).ThenBy(s => s.Key, StringComparer.Ordinal)
                .Take(Probes)
                .Select(s => SearchLayout.ShardKey(s.Key)));
        foreach (var key in probes)
        {
            if (await reader.ExistsAsync(key, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Errors for what the signed index never said; warnings for what only an older state said.</summary>
    private int CheckAgainstSigned(string file, SearchShard shard, ViewFindings findings)
    {
        var errors = 0;
        foreach (var package in shard.Packages.Values)
        {
            if (!_indexes.TryGetValue(package.Name, out var index))
            {
                findings.Error($"{file}: lists package '{package.Name}', which the signed index does not have");
                errors++;
                continue;
            }

            var version = index.Versions.FirstOrDefault(v => v.Version == package.Version);
            if (version is null)
            {
                findings.Error(
                    $"{file}: shows {package.Name} {package.Version}, a version the signed index does not have");
                errors++;
            }
            else if (!index.Versions.Any(v => SearchText.Shorten(v.Description ?? "") == package.Description))
            {
                findings.Error($"{file}: shows a description of {package.Name} that no signed version has");
                errors++;
            }
            else if (SearchText.EntryOf(index) is not { } entry || entry.Version != package.Version
                || entry.Description != package.Description)
            {
                findings.Warning($"{file}: shows {package.Name} "
                    + $"{package.Version}{(version.Yanked ? " (yanked)" : "")}, not its newest listed version and "
                    + $"description; {Sync}");
            }
        }

        foreach (var (word, names) in shard.Words)
        {
            foreach (var name in names.Where(_indexes.ContainsKey))
            {
                var index = _indexes[name];
                if (!SearchText.EverSaid(index).Contains(word))
                {
                    findings.Error($"{file}: finds {name} by '{word}', a word no signed version of it has");
                    errors++;
                }
                else if (SearchText.EntryOf(index) is not { } entry || !entry.Words.Contains(word))
                {
                    findings.Warning($"{file}: still finds {name} by '{word}', a word of an older version; {Sync}");
                }
            }
        }

        return errors;
    }

    /// <summary>
    /// A shard kept up by publishes may hold fewer packages for a word than a rebuild (the packages a
    /// cap dropped are not known to a later publish): that is not behind, as long as it has every
    /// word and each word lists only packages a rebuild finds by it.
    /// </summary>
    private static bool IsTrimmedSubset(SearchShard stored, Dictionary<string, HashSet<string>> full) =>
        stored.Words.Count == full.Count
        && full.All(
            w => stored.Words.TryGetValue(w.Key, out var names) && names.Count > 0 && names.All(w.Value.Contains));
}
