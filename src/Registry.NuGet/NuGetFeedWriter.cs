using Registry.Core.Index;
using Registry.Core.Packages;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;

namespace Registry.Core.NuGet;

/// <summary>
/// Brings the NuGet view of some packages up to the signed index, after the signed commit:
/// first each version's .nupkg and .nuspec (create-only, at fixed keys: a version never
/// changes, and only committed bytes are written), then the versions list and the registration
/// index by compare-and-swap. A writer reads a mutable file's tag before it loads the signed
/// state it derives the new content from; a swap that loses means someone changed the file
/// since, so the round starts over from a newer state. Whoever swaps last therefore wrote what
/// the newest state says, and a versions list never names a .nupkg that is not there: a killed
/// publish leaves a version missing from the view (the next sync of that package adds it),
/// never a broken one.
/// </summary>
public sealed class NuGetFeedWriter(
    IObjectStore store,
    string baseUrl,
    CachePolicy policy,
    IReadOnlyList<NuGetServiceResource>? moreResources = null)
{
    private const int MaxRounds = 10;

    private int _files;
    private long _bytes;

    /// <summary>
    /// Syncs the view of <paramref name="names"/> to the state <paramref name="loadState"/> returns
    /// (the verified state of <c>store</c>). <paramref name="known"/> holds artifact bytes
    /// already in hand (a publish's packages), by artifact store key, so they are not read back
    /// (a key names its content's sha256, so they need no second check).
    /// </summary>
    public async Task<ViewSyncStats> SyncAsync(
        IReadOnlyCollection<string> names,
        Func<CancellationToken, Task<RegistryState>> loadState,
        IReadOnlyDictionary<string, byte[]>? known,
        CancellationToken cancellationToken)
    {
        _files = 0;
        _bytes = 0;
        var pending = names.Select(n => n.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var synced = 0;
        var serviceIndexDone = false;
        for (var round = 1; round <= MaxRounds; round++)
        {
            // Tags first, state second: see the class comment.
            var service = serviceIndexDone
                ? null
                : await store.GetOrNullAsync(NuGetFeed.ServiceIndexKey, cancellationToken).ConfigureAwait(false);
            var current = new Dictionary<string, (StoredObject? Versions, StoredObject? Registration)>(
                StringComparer.Ordinal);
            foreach (var name in pending)
            {
                current[name] = (
                    await store.GetOrNullAsync(NuGetFeed.VersionsKey(name), cancellationToken).ConfigureAwait(false),
                    await store.GetOrNullAsync(NuGetFeed.RegistrationKey(name), cancellationToken)
                        .ConfigureAwait(false));
            }

            var state = await loadState(cancellationToken).ConfigureAwait(false);
            var lost = new List<string>();
            foreach (var name in pending)
            {
                var index = await state.ReadIndexOrNullAsync(name, cancellationToken).ConfigureAwait(false);
                if (index is null || !NuGetFeed.NuGetEntries(index).Any())
                {
                    continue;
                }

                if (index.Name != name)
                {
                    // Asked under another spelling (my_lib for my.lib): its files' tags must be read under the
                    // published one.
                    lost.Add(index.Name);
                    continue;
                }

                if (!serviceIndexDone)
                {
                    if (!await SwapIfChangedAsync(
                        NuGetFeed.ServiceIndexKey,
                        service,
                        NuGetFeed.ServiceIndex(baseUrl, moreResources),
                        cancellationToken).ConfigureAwait(false))
                    {
                        lost.Add(name);
                        continue;
                    }

                    serviceIndexDone = true;
                }

                await WriteVersionFilesAsync(index, known, cancellationToken).ConfigureAwait(false);
                var (versions, registration) = current[name];
                if (!await SwapIfChangedAsync(
                    NuGetFeed.VersionsKey(index.Name),
                    versions,
                    NuGetFeed.VersionsList(index),
                    cancellationToken).ConfigureAwait(false)
                    | !await SwapIfChangedAsync(
                        NuGetFeed.RegistrationKey(index.Name),
                        registration,
                        NuGetFeed.RegistrationIndex(baseUrl, index),
                        cancellationToken).ConfigureAwait(false))
                {
                    lost.Add(name);
                    continue;
                }

                synced++;
            }

            if (lost.Count == 0)
            {
                return new ViewSyncStats(NuGetView.ViewName, synced, _files, _bytes, round);
            }

            pending = [.. lost.Distinct(StringComparer.Ordinal)];
        }

        throw new ConflictException($"{store.Location}: the NuGet view of {string.Join(", ", pending)} kept changing "
            + "under this writer; the signed publish stands, run 'registry nuget sync' to bring the view up to date");
    }

    /// <summary>The .nupkg and .nuspec of every NuGet version (yanked ones too: unlisted is not deleted) that the store
    /// lacks.</summary>
    private async Task WriteVersionFilesAsync(
        PackageIndex index,
        IReadOnlyDictionary<string, byte[]>? known,
        CancellationToken cancellationToken)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var item in store.ListAsync($"{NuGetFeed.FlatContainer}{index.Name}/", cancellationToken)
            .ConfigureAwait(false))
        {
            present.Add(item.Key);
        }

        foreach (var entry in NuGetFeed.NuGetEntries(index))
        {
            var version = NuGetFeed.VersionText(entry.Version);
            var packageKey = NuGetFeed.PackageKey(index.Name, version);
            var nuspecKey = NuGetFeed.NuspecKey(index.Name, version);
            if (present.Contains(packageKey) && present.Contains(nuspecKey))
            {
                continue;
            }

            var artifactKey = RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256);
            var content = known?.GetValueOrDefault(artifactKey)
                ?? await store.ReadPinnedAsync(
                    artifactKey,
                    entry.Length,
                    entry.Sha256,
                    $"{store.Location.TrimEnd('/')}/{artifactKey}",
                    cancellationToken).ConfigureAwait(false);

            // The .nuspec before the .nupkg is not needed for correctness (the versions list is
            // written after both), but it keeps a half-written version recognisable as such.
            if (!present.Contains(nuspecKey))
            {
                await PutAsync(nuspecKey, NuspecOf(content, entry), cancellationToken).ConfigureAwait(false);
            }

            if (!present.Contains(packageKey))
            {
                await PutAsync(packageKey, content, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The .nuspec inside a signed .nupkg, read by the same format rules publish applied.</summary>
    private static byte[] NuspecOf(byte[] nupkg, IndexEntry entry)
    {
        var fileName = $"{entry.NuGet!.Id}.{NuGetFeed.VersionText(entry.Version)}.nupkg";
        // The bytes are signed and were accepted at publish, perhaps under raised limits: read them under the index's
        // own bound.
        var limits = PackageLimits.Default with
        {
            MaxCompressedBytes = IndexRules.MaxArtifactBytes,
            MaxUnpackedBytes = long.MaxValue,
            MaxCompressionRatio = int.MaxValue,
            MaxEntries = int.MaxValue,
        };
        var manifest = PackageReader.FormatOf(nupkg, fileName).Read(nupkg, fileName, limits);
        return manifest.NuGet?.Nuspec
            ?? throw new VerificationException($"{entry.Artifact}: signed as a .nupkg but holds no .nuspec");
    }

    private async Task PutAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        if (await store.PutIfAbsentAsync(key, content, policy.For(key), cancellationToken)
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

        if (await store.SwapAsync(key, desired, current?.VersionTag, policy.For(key), cancellationToken)
            .ConfigureAwait(false) != SwapResult.Swapped)
        {
            return false;
        }

        _files++;
        _bytes += desired.LongLength;
        return true;
    }
}
