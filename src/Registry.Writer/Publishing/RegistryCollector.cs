using Registry.Core.Publishing.Internal;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing;

/// <summary>
/// Garbage collection. A file may be deleted only when no state that was current during the
/// grace period references it: readers (edge caches, slow clients, mirrors mid-sync, publishes
/// in flight) may hold any such state's timestamp. Snapshots are immutable and created just
/// before they become current, so snapshot N was current from its creation until snapshot
/// N+1's; the states to keep are every snapshot created after the cutoff, the newest one created
/// before it, and the current one. Everything they reference is kept, and so is every file
/// younger than the grace period (a publish may be writing it). Root versions,
/// <c>timestamp.json</c>, the settings and files outside the registry's prefixes are never
/// deleted; of the transparency log, only partial tiles and bundles that a full one has
/// superseded (<see cref="LogPartials"/>): gc never deletes a file a current reader of the log
/// needs. The store's own leftovers (<see cref="ILeftoverStore"/>: a folder's temporary
/// files) go once past the grace period too. The current state must verify first, or nothing
/// is deleted.
/// </summary>
public sealed class RegistryCollector(IObjectStore store, TimeProvider time)
{
    /// <summary>Bytes of deleted targets held in memory to restore one that a racing publish re-used; more waits for
    /// the next run.</summary>
    private const long MaxHeldBytes = 256L << 20;

    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time = time;

    public async Task<CollectResult> CollectAsync(TimeSpan grace, bool dryRun, CancellationToken cancellationToken)
    {
        if (grace < TimeSpan.Zero)
        {
            throw new EnvironmentException("gc: the grace period cannot be negative");
        }

        var cutoff = _time.GetUtcNow() - grace;
        var items = new Dictionary<string, StoredItem>(StringComparer.Ordinal);
        await foreach (var item in store.ListAsync("", cancellationToken).ConfigureAwait(false))
        {
            items[item.Key] = item;
        }

        var marker = new ReferenceMarker(store, items);
        RegistryState state;
        try
        {
            state = await RegistryState.LoadAsync(store, cancellationToken).ConfigureAwait(false);
            await marker.MarkVerifiedAsync(state, cancellationToken).ConfigureAwait(false);
        }
        catch (VerificationException e)
        {
            throw new VerificationException(
                $"gc refused, nothing deleted: the current state does not verify ({e.Message}); run 'registry verify'",
                e);
        }

        foreach (var snapshotVersion in SnapshotsCurrentSince(items.Values, cutoff))
        {
            await marker.MarkSnapshotAsync(snapshotVersion, cancellationToken).ConfigureAwait(false);
        }

        var candidates = items.Values
            .Where(item => item.LastModified <= cutoff && IsCollectable(item.Key) && !marker.IsLive(item.Key))
            .ToList();
        var policy = (await RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false)).CachePolicy;
        candidates.AddRange(LogPartials.Superseded(items, state, policy, grace, _time.GetUtcNow()));
        if (store is ILeftoverStore leftovers)
        {
            await foreach (var item in leftovers.ListLeftoversAsync(cancellationToken).ConfigureAwait(false))
            {
                if (item.LastModified <= cutoff)
                {
                    candidates.Add(item);
                }
            }
        }

        var deleted = new List<StoredItem>();
        var held = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long heldBytes = 0;
        foreach (var item in candidates)
        {
            if (!dryRun && IsReusable(item.Key))
            {
                // A publish re-uses a content-addressed file that exists (PutIfAbsent: AlreadyExists):
                // keep its bytes until the post-check has seen that no new state references it.
                if (heldBytes + item.Length > MaxHeldBytes
                    || await store.GetOrNullAsync(item.Key, cancellationToken).ConfigureAwait(false) is not { } stored)
                {
                    continue;
                }

                held[item.Key] = stored.Content;
                heldBytes += stored.Content.LongLength;
            }

            if (!dryRun)
            {
                await store.DeleteAsync(item.Key, cancellationToken).ConfigureAwait(false);
            }

            deleted.Add(item);
        }

        var restored = held.Count == 0
            ? []
            : await RestoreReusedAsync(state, marker, held, cancellationToken).ConfigureAwait(false);
        var kept = items.Count - deleted.Count(d => items.ContainsKey(d.Key)) + restored.Count;
        return new CollectResult(
            dryRun,
            deleted.Where(d => !restored.Contains(d.Key)).Select(d => new DeletedFile(d.Key, d.Length)).ToList(),
            restored.Order(StringComparer.Ordinal).ToList(),
            kept);
    }

    /// <summary>
    /// A publish that ran while gc deleted may have found a deleted index document or artifact
    /// still present (its create-only write said AlreadyExists) and referenced it: mark every
    /// snapshot written since the state gc verified (current or about to be) and put back what
    /// they reference. A publisher stalled for longer than the settle time between that write
    /// and its snapshot can still miss this; the grace period is what protects it.
    /// </summary>
    private async Task<List<string>> RestoreReusedAsync(
        RegistryState before,
        ReferenceMarker marker,
        Dictionary<string, byte[]> held,
        CancellationToken cancellationToken)
    {
        // A publisher writes its bins and snapshot milliseconds after re-using a file; wait a
        // little so that one that re-used a file just before it went is seen by the check.
        await Task.Delay(SettleTime, _time, cancellationToken).ConfigureAwait(false);
        try
        {
            for (var version = before.Snapshot.Signed.Version + 1; await store.ExistsAsync(
                RegistryLayout.MetadataKey(RoleNames.Snapshot, version),
                cancellationToken).ConfigureAwait(false); version++)
            {
                await marker.MarkSnapshotAsync(version, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (VerificationException)
        {
            // An unreadable new index: put everything back rather than guess.
            return await RestoreAsync(held.Keys.ToList(), held, cancellationToken).ConfigureAwait(false);
        }

        return await RestoreAsync(held.Keys.Where(marker.IsLive).ToList(), held, cancellationToken).ConfigureAwait(
            false);
    }

    private async Task<List<string>> RestoreAsync(
        List<string> keys,
        Dictionary<string, byte[]> held,
        CancellationToken cancellationToken)
    {
        var policy = (await RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false)).CachePolicy;
        foreach (var key in keys)
        {
            await store.PutIfAbsentAsync(key, held[key], policy.For(key), cancellationToken).ConfigureAwait(false);
        }

        return keys;
    }

    /// <summary>
    /// Registry files gc may delete when unreferenced: never a root, the timestamp, the settings,
    /// the store's precondition proof (and its lock) or a foreign file.
    /// </summary>
    private static bool IsCollectable(string key) =>
        (key.StartsWith("metadata/", StringComparison.Ordinal) && !key.EndsWith(".root.json", StringComparison.Ordinal)
            && key != RegistryLayout.TimestampKey)
        || key.StartsWith("targets/", StringComparison.Ordinal)
        || (key.StartsWith(PreconditionProbe.Prefix, StringComparison.Ordinal) && !IsProof(key));

    private static bool IsProof(string key) =>
        key == PreconditionProbe.ProofKey || key == PreconditionProbe.Prefix + "."
            + PreconditionProbe.ProofKey[PreconditionProbe.Prefix.Length..]
            + ".lock";

    /// <summary>Content-addressed files a publish may re-use instead of writing (versioned metadata never
    /// is).</summary>
    private static bool IsReusable(string key) => key.StartsWith("targets/", StringComparison.Ordinal);

    /// <summary>Snapshot versions that were current at some instant after <paramref name="cutoff"/>.</summary>
    private static IEnumerable<long> SnapshotsCurrentSince(IEnumerable<StoredItem> items, DateTimeOffset cutoff)
    {
        var snapshots = items
            .Select(item => (item, version: ReferenceMarker.SnapshotVersionOf(item.Key)))
            .Where(s => s.version is not null)
            .OrderBy(s => s.version)
            .ToList();
        var newestBefore = snapshots.LastOrDefault(s => s.item.LastModified <= cutoff);
        return snapshots.Where(s => s.item.LastModified > cutoff).Select(s => s.version!.Value)
            .Concat(newestBefore.version is { } v ? [v] : []);
    }
}

/// <summary>What garbage collection removed (or would remove, in a dry run), and what it put back after a racing
/// publish re-used it.</summary>
public sealed record CollectResult(
    bool DryRun,
    IReadOnlyList<DeletedFile> Files,
    IReadOnlyList<string> Restored,
    int Kept)
{
    /// <summary>The deleted keys.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> Deleted => Files.Select(f => f.Key).ToList();

    public int DeletedFiles => Files.Count;

    public long DeletedBytes => Files.Sum(f => f.Length);
}

/// <summary>One deleted file: its store key and size.</summary>
public sealed record DeletedFile(string Key, long Length);
