using System.Security.Cryptography;
using NuGet.Versioning;
using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;

namespace Registry.Site.Internal;

/// <summary>
/// Brings the site's files for some packages up to a committed state. One round: read the tags
/// of every mutable file it may swap (the site state, the count shards, the packages' pages, the
/// home page, the feed), then load the signed state, then write: assets and pages first, then the
/// count shards, then the site state, the home page and the feed, each by compare-and-swap on the
/// tag read before the state. A lost swap means a newer writer got there first: the round starts
/// over from a newer state (bounded), so whoever swaps last wrote what the newest state says.
/// Only files whose bytes change are written, so a repeated sync writes nothing.
/// </summary>
internal sealed class SiteWriter(ViewContext context)
{
    public const string StateKey = "site/state.json";
    private const int MaxRounds = 10;
    private const int BatchSize = 256;

    private readonly IObjectStore _store = context.Store;
    private int _files;
    private long _bytes;
    private string? _rootSha256;

    public static string ShardKey(string shard) => $"site/counts/{shard}.json";

    public async Task<ViewSyncStats> SyncAsync(IReadOnlyCollection<string>? names, CancellationToken cancellationToken)
    {
        foreach (var asset in SiteAssets.All)
        {
            await PutAsync(asset.Key, asset.Content, cancellationToken).ConfigureAwait(false);
        }

        var all = names ?? await AllNamesAsync(cancellationToken).ConfigureAwait(false);
        var packages = 0;
        var attempts = 0;
        var list = all.Distinct(StringComparer.Ordinal).ToList();
        var batches = list.Count == 0 ? [[]] : list.Chunk(BatchSize).ToList();
        foreach (var batch in batches)
        {
            var (synced, rounds) = await SyncBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            packages += synced;
            attempts = Math.Max(attempts, rounds);
        }

        return new ViewSyncStats(SiteView.ViewName, packages, _files, _bytes, attempts);
    }

    private async Task<(int Synced, int Rounds)> SyncBatchAsync(
        IReadOnlyList<string> names,
        CancellationToken cancellationToken)
    {
        var pending = names.ToList();
        for (var round = 1; round <= MaxRounds; round++)
        {
            // Tags first, state second: see the class comment.
            var siteState = await _store.GetOrNullAsync(StateKey, cancellationToken).ConfigureAwait(false);
            var home = await _store.GetOrNullAsync(HomePage.Key, cancellationToken).ConfigureAwait(false);
            var feed = await _store.GetOrNullAsync(AtomFeed.Key, cancellationToken).ConfigureAwait(false);
            var search = await _store.GetOrNullAsync(SearchPage.Key, cancellationToken).ConfigureAwait(false);
            var shards = new Dictionary<string, StoredObject?>(StringComparer.Ordinal);
            foreach (var shard in pending.Select(SiteState.ShardOf).Distinct(StringComparer.Ordinal))
            {
                shards[shard] = await _store.GetOrNullAsync(ShardKey(shard), cancellationToken).ConfigureAwait(false);
            }

            var pages = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
            foreach (var name in pending)
            {
                await foreach (var item in _store.ListAsync($"packages/{name}/", cancellationToken)
                    .ConfigureAwait(false))
                {
                    if (RegistryLayout.IsSitePage(item.Key)
                        && await _store.GetOrNullAsync(item.Key, cancellationToken).ConfigureAwait(false) is { } page)
                    {
                        pages[item.Key] = page;
                    }
                }
            }

            var state = await context.LoadState(cancellationToken).ConfigureAwait(false);
            var lost = false;
            var renamed = new List<(string Asked, string Published)>();
            var synced = new List<PackageIndex>();
            foreach (var name in pending)
            {
                var path = RegistryLayout.IndexPath(name);
                var bytes = await state.ReadTargetOrNullAsync(path, cancellationToken).ConfigureAwait(false);
                if (bytes is null)
                {
                    continue;
                }

                var index = IndexJson.ParseIndex(bytes, path);
                if (index.Name != name)
                {
                    // Asked under another spelling: the pages' tags must be read under the published one.
                    renamed.Add((name, index.Name));
                    continue;
                }

                lost |= !await WritePackageAsync(index, pages, cancellationToken).ConfigureAwait(false);
                synced.Add(index);
            }

            var current = SiteState.Parse(siteState?.Content);
            var totals = new SortedDictionary<string, ShardTotal>(current.Shards, StringComparer.Ordinal);
            foreach (var group in synced.GroupBy(i => SiteState.ShardOf(i.Name)))
            {
                var stored = shards[group.Key];
                var counts = SiteState.ParseShard(stored?.Content);
                foreach (var index in group)
                {
                    counts[index.Name] = index.Versions.Count;
                }

                lost |= !await SwapIfChangedAsync(
                    ShardKey(group.Key),
                    stored,
                    SiteState.ShardJson(counts),
                    cancellationToken).ConfigureAwait(false);
                totals[group.Key] = new ShardTotal(counts.Count, counts.Values.Sum(v => (long)v));
            }

            if (!lost && renamed.Count == 0)
            {
                var next = new SiteState {
                    Shards = totals,
                    Recent = MergeRecent(HomePage.ParseRecent(home?.Content), synced) };
                var status = await StatusAsync(state, cancellationToken).ConfigureAwait(false);
                if (await SwapIfChangedAsync(StateKey, siteState, next.ToJson(), cancellationToken).ConfigureAwait(
                    false)
                    && await SwapIfChangedAsync(
                        HomePage.Key,
                        home,
                        HomePage.Render(next, status, context.BaseUrl),
                        cancellationToken).ConfigureAwait(false)
                    && await SwapIfChangedAsync(
                        AtomFeed.Key,
                        feed,
                        AtomFeed.Render(next, context.BaseUrl),
                        cancellationToken).ConfigureAwait(false)
                    && await SwapIfChangedAsync(SearchPage.Key, search, SearchPage.Render(), cancellationToken)
                        .ConfigureAwait(false))
                {
                    return (synced.Count, round);
                }
            }

            // Something changed under this round (or a name was asked under another spelling): redo
            // every name of the batch from a newer state; pages already right are not written again.
            pending = [.. pending.Except(renamed.Select(r => r.Asked), StringComparer.Ordinal)
                .Concat(renamed.Select(r => r.Published))
                .Distinct(StringComparer.Ordinal)];
        }

        throw new ConflictException($"{_store.Location}: the web site of {string.Join(", ", pending)} kept changing "
            + "under this writer; the signed publish stands, run 'registry sync' to bring the site up to date");
    }

    /// <summary>Every page of one package (version pages, package page, badge); false when a swap lost.</summary>
    private async Task<bool> WritePackageAsync(
        PackageIndex index,
        Dictionary<string, StoredObject> pages,
        CancellationToken cancellationToken)
    {
        var ok = true;
        foreach (var entry in index.Versions)
        {
            var key = PackagePage.VersionKey(index.Name, entry.Version);
            ok &= await SwapIfChangedAsync(
                key,
                pages.GetValueOrDefault(key),
                PackagePage.RenderVersion(index, entry),
                cancellationToken).ConfigureAwait(false);
        }

        var latest = PackagePage.Latest(index);
        var readme = await ReadmeOfAsync(latest, cancellationToken).ConfigureAwait(false);
        var pageKey = PackagePage.Key(index.Name);
        ok &= await SwapIfChangedAsync(
            pageKey,
            pages.GetValueOrDefault(pageKey),
            PackagePage.Render(index, readme),
            cancellationToken).ConfigureAwait(false);
        var badgeKey = PackagePage.BadgeKey(index.Name);
        ok &= await SwapIfChangedAsync(
            badgeKey,
            pages.GetValueOrDefault(badgeKey),
            VersionBadge.Render(index.Name, latest.Version, latest.Yanked),
            cancellationToken).ConfigureAwait(false);
        return ok;
    }

    /// <summary>The README of a committed artifact: the bytes in hand when a publish brought them, else a read checked
    /// against the signed pin.</summary>
    private async Task<string?> ReadmeOfAsync(IndexEntry entry, CancellationToken cancellationToken)
    {
        var key = RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256);
        var bytes = context.KnownArtifacts.GetValueOrDefault(key)
            ?? await _store.ReadPinnedAsync(
                key,
                entry.Length,
                entry.Sha256,
                $"{_store.Location.TrimEnd('/')}/{key}",
                cancellationToken).ConfigureAwait(false);
        return ReadmeReader.ReadOrNull(bytes, entry.Artifact);
    }

    private static IReadOnlyList<RecentPublish> MergeRecent(
        IReadOnlyList<RecentPublish> recent,
        IReadOnlyList<PackageIndex> synced)
    {
        var names = synced.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        return recent.Where(r => !names.Contains(r.Name))
            .Concat(synced.SelectMany(
                i => i.Versions.Select(e => new RecentPublish(i.Name, e.Version, e.Published, e.Yanked))))
            .OrderByDescending(r => r.Published)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .ThenByDescending(r => NuGetVersion.Parse(r.Version))
            .Take(SiteState.RecentCount)
            .ToList();
    }

    private async Task<SignedStatus> StatusAsync(RegistryState state, CancellationToken cancellationToken)
    {
        if (_rootSha256 is null)
        {
            var first = await _store.GetOrNullAsync(RegistryLayout.RootKey(1), cancellationToken).ConfigureAwait(false)
                ?? throw new VerificationException($"{_store.Location}/{RegistryLayout.RootKey(1)}: missing");
            _rootSha256 = Convert.ToHexStringLower(SHA256.HashData(first.Content));
        }

        return new SignedStatus(
            state.Timestamp.Signed.Version, state.Timestamp.Signed.Expires,
            state.Snapshot.Signed.Version, state.Snapshot.Signed.Expires,
            state.Root.Signed.Version, _rootSha256);
    }

    /// <summary>The names of every package, read from the signed index documents.</summary>
    private async Task<IReadOnlyCollection<string>> AllNamesAsync(CancellationToken cancellationToken)
    {
        var state = await context.LoadState(cancellationToken).ConfigureAwait(false);
        return [.. (await state.ReadAllAsync(cancellationToken).ConfigureAwait(false)).Select(w => w.Index.Name)];
    }

    private async Task PutAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        if (await _store.PutIfAbsentAsync(key, content, context.CachePolicy.For(key), cancellationToken)
            .ConfigureAwait(false) == PutResult.Created)
        {
            _files++;
            _bytes += content.LongLength;
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

        if (await _store.SwapAsync(key, desired, current?.VersionTag, context.CachePolicy.For(key), cancellationToken)
            .ConfigureAwait(false) != SwapResult.Swapped)
        {
            return false;
        }

        _files++;
        _bytes += desired.LongLength;
        return true;
    }
}
