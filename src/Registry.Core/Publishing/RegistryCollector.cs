using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing;

/// <summary>
/// Garbage collection: deletes files that the current state does not reference and that are
/// older than a grace period. Unreferenced files are metadata and index versions that newer
/// ones replaced, and whatever a crashed or out-raced publish left behind. The grace period
/// keeps every file that a reader holding a recent timestamp (an edge cache, a slow client,
/// a publish in flight) may still ask for. Root versions, <c>timestamp.json</c> and the
/// settings are never deleted.
/// </summary>
public sealed class RegistryCollector(IObjectStore store, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<CollectResult> CollectAsync(TimeSpan grace, bool dryRun, CancellationToken cancellationToken)
    {
        var state = await RegistryState.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var live = new HashSet<string>(StringComparer.Ordinal)
        {
            RegistryLayout.TimestampKey,
            RegistrySettings.Key,
            RegistryLayout.MetadataKey(RoleNames.Snapshot, state.Snapshot.Signed.Version),
        };
        foreach (var (name, meta) in state.Snapshot.Signed.Meta)
        {
            live.Add(RegistryLayout.MetadataKey(name[..^".json".Length], meta.Version));
        }

        foreach (var bin in state.Bins.AllNames())
        {
            var document = await state.GetBinAsync(bin, cancellationToken).ConfigureAwait(false);
            foreach (var (path, target) in document.Signed.Targets)
            {
                live.Add(RegistryLayout.TargetKey(path, target.Sha256));
            }
        }

        var cutoff = _time.GetUtcNow() - grace;
        var deleted = new List<string>();
        long bytes = 0;
        var kept = 0;
        await foreach (var item in store.ListAsync("", cancellationToken).ConfigureAwait(false))
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
}

/// <summary>What garbage collection removed (or would remove, in a dry run).</summary>
public sealed record CollectResult(IReadOnlyList<string> Deleted, long DeletedBytes, int Kept);
