using System.Globalization;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing;

/// <summary>
/// Garbage collection. A file may be deleted only when no state that was current during the
/// grace period references it: readers (edge caches, slow clients, publishes in flight) may
/// hold any such state's timestamp. Snapshots are immutable and created just before they
/// become current, so snapshot N was current from its creation until snapshot N+1's; the
/// states to keep are every snapshot created after the cutoff, the newest one created before
/// it, and the current one. Everything they reference is kept, and so is every unreferenced
/// file younger than the grace period (a publish may be writing it). Root versions,
/// <c>timestamp.json</c> and the settings are never deleted.
/// </summary>
public sealed class RegistryCollector(IObjectStore store, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<CollectResult> CollectAsync(TimeSpan grace, bool dryRun, CancellationToken cancellationToken)
    {
        var state = await RegistryState.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var cutoff = _time.GetUtcNow() - grace;
        var items = new List<StoredItem>();
        await foreach (var item in store.ListAsync("", cancellationToken).ConfigureAwait(false))
        {
            items.Add(item);
        }

        var live = new HashSet<string>(StringComparer.Ordinal) { RegistryLayout.TimestampKey, RegistrySettings.Key };
        foreach (var snapshotVersion in SnapshotsCurrentSince(items, cutoff).Append(state.Snapshot.Signed.Version).Distinct())
        {
            await MarkAsync(snapshotVersion, live, cancellationToken).ConfigureAwait(false);
        }

        var deleted = new List<string>();
        long bytes = 0;
        var kept = 0;
        foreach (var item in items)
        {
            var isRoot = item.Key.StartsWith("metadata/", StringComparison.Ordinal) && item.Key.EndsWith(".root.json", StringComparison.Ordinal);
            var isRegistryFile = item.Key.StartsWith("metadata/", StringComparison.Ordinal) || item.Key.StartsWith("targets/", StringComparison.Ordinal)
                || item.Key.StartsWith(PreconditionProbe.Prefix, StringComparison.Ordinal);
            if (live.Contains(item.Key) || isRoot || !isRegistryFile || item.LastModified > cutoff)
            {
                kept++;
                continue;
            }

            if (!dryRun)
            {
                await store.DeleteAsync(item.Key, cancellationToken).ConfigureAwait(false);
            }

            deleted.Add(item.Key);
            bytes += item.Length;
        }

        return new CollectResult(deleted, bytes, kept);
    }

    /// <summary>Snapshot versions that were current at some instant after <paramref name="cutoff"/>.</summary>
    private static IEnumerable<long> SnapshotsCurrentSince(List<StoredItem> items, DateTimeOffset cutoff)
    {
        var snapshots = items
            .Select(item => (item, version: SnapshotVersionOf(item.Key)))
            .Where(s => s.version is not null)
            .OrderBy(s => s.version)
            .ToList();
        var newestBefore = snapshots.LastOrDefault(s => s.item.LastModified <= cutoff);
        return snapshots.Where(s => s.item.LastModified > cutoff).Select(s => s.version!.Value)
            .Concat(newestBefore.version is { } v ? [v] : []);
    }

    private static long? SnapshotVersionOf(string key)
    {
        const string Suffix = ".snapshot.json";
        if (!key.StartsWith("metadata/", StringComparison.Ordinal) || !key.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var number = key["metadata/".Length..^Suffix.Length];
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
    }

    /// <summary>Marks a snapshot, the metadata it lists and the targets those list. Unreadable leftovers mark nothing.</summary>
    private async Task MarkAsync(long snapshotVersion, HashSet<string> live, CancellationToken cancellationToken)
    {
        var snapshotKey = RegistryLayout.MetadataKey(RoleNames.Snapshot, snapshotVersion);
        var snapshot = await ParseOrNullAsync(snapshotKey, TufJsonContext.Default.SnapshotMetadata, RoleNames.Snapshot, cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return;
        }

        live.Add(snapshotKey);
        foreach (var (name, meta) in snapshot.Meta)
        {
            var key = RegistryLayout.MetadataKey(name[..^".json".Length], meta.Version);
            if (!live.Add(key))
            {
                continue;
            }

            var targets = await ParseOrNullAsync(key, TufJsonContext.Default.TargetsMetadata, RoleNames.Targets, cancellationToken).ConfigureAwait(false);
            foreach (var (path, target) in targets?.Targets ?? new Dictionary<string, TargetFile>())
            {
                var targetKey = RegistryLayout.TargetKey(path, target.Sha256);
                if (live.Add(targetKey))
                {
                    await MarkArtifactsAsync(targetKey, path, live, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Marks the artifacts an index document pins (they are not TUF targets, so no bin lists them).</summary>
    private async Task MarkArtifactsAsync(string indexKey, string targetPath, HashSet<string> live, CancellationToken cancellationToken)
    {
        var stored = await store.GetOrNullAsync(indexKey, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return;
        }

        try
        {
            foreach (var entry in Index.IndexJson.ParseIndex(stored.Content, targetPath).Versions)
            {
                live.Add(RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256));
            }
        }
        catch (VerificationException e)
        {
            // Deleting what an unreadable index might pin could lose artifacts: stop before any delete.
            throw new VerificationException($"gc stopped before deleting anything: {e.Message}; run 'registry verify'", e);
        }
    }

    private async Task<T?> ParseOrNullAsync<T>(string key, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string type, CancellationToken cancellationToken)
        where T : SignedBase
    {
        var stored = await store.GetOrNullAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        try
        {
            return SignedDocument<T>.Parse(stored.Content, type, info, key).Signed;
        }
        catch (VerificationException)
        {
            return null;
        }
    }
}

/// <summary>What garbage collection removed (or would remove, in a dry run).</summary>
public sealed record CollectResult(IReadOnlyList<string> Deleted, long DeletedBytes, int Kept);
