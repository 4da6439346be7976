using System.Collections.Concurrent;
using System.Globalization;
using Registry.Core.Index;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// The mark phase of garbage collection: every key a state references (its snapshot, the
/// targets and bins it lists, the index documents the bins list, the artifacts the index
/// documents pin). The current state is walked verified (a state that does not verify stops gc
/// before anything is deleted); older states only add keys to keep, so they are read as they are.
/// </summary>
internal sealed class ReferenceMarker(IObjectStore store, IReadOnlyDictionary<string, StoredItem> listed)
{
    private const int Parallelism = 8;
    private readonly ConcurrentDictionary<string, byte> _live = new(StringComparer.Ordinal);

    public bool IsLive(string key) => _live.ContainsKey(key);

    /// <summary>Marks the current state, checking every signature, version, length and hash down to each artifact's
    /// presence.</summary>
    public async Task MarkVerifiedAsync(RegistryState state, CancellationToken cancellationToken)
    {
        Add(RegistryLayout.MetadataKey(RoleNames.Snapshot, state.Snapshot.Signed.Version));
        Add(RegistryLayout.MetadataKey(RoleNames.Targets, state.Targets.Signed.Version));
        var options = new ParallelOptions {
            MaxDegreeOfParallelism = Parallelism,
            CancellationToken = cancellationToken };
        var walk = new WalkOptions
        {
            Parallelism = Parallelism,
            Documents = (store, key => key),
            OnBin = (bin, document, _) =>
            {
                Add(RegistryLayout.MetadataKey(bin, document.Signed.Version));
                return ValueTask.CompletedTask;
            },
        };
        await Parallel.ForEachAsync(state.WalkAsync(walk, cancellationToken), options, async (walked, ct) =>
        {
            Add(walked.Key);
            foreach (var entry in walked.Index.Versions)
            {
                var artifact = RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256);
                Add(artifact);
                await CheckArtifactPresentAsync(artifact, entry, ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Marks what a snapshot version references, as stored; a missing or unreadable snapshot marks
    /// nothing.</summary>
    public async Task MarkSnapshotAsync(long snapshotVersion, CancellationToken cancellationToken)
    {
        var snapshotKey = RegistryLayout.MetadataKey(RoleNames.Snapshot, snapshotVersion);
        var snapshot = await ParseOrNullAsync(
            snapshotKey,
            TufJsonContext.Default.SnapshotMetadata,
            RoleNames.Snapshot,
            cancellationToken).ConfigureAwait(false);
        if (snapshot is null)
        {
            return;
        }

        Add(snapshotKey);
        foreach (var (name, meta) in snapshot.Meta)
        {
            var key = RegistryLayout.MetadataKey(name[..^".json".Length], meta.Version);
            if (!Add(key))
            {
                continue;
            }

            var targets = await ParseOrNullAsync(
                key,
                TufJsonContext.Default.TargetsMetadata,
                RoleNames.Targets,
                cancellationToken).ConfigureAwait(false);
            foreach (var (path, target) in targets?.Targets ?? new Dictionary<string, TargetFile>())
            {
                var targetKey = RegistryLayout.TargetKey(path, target.Sha256);
                if (Add(targetKey))
                {
                    await MarkArtifactsAsync(targetKey, path, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>The version in <c>metadata/N.snapshot.json</c>, or null for any other key.</summary>
    public static long? SnapshotVersionOf(string key)
    {
        const string Prefix = "metadata/";
        const string Suffix = ".snapshot.json";
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || !key.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var number = key[Prefix.Length..^Suffix.Length];
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
    }

    private bool Add(string key) => _live.TryAdd(key, 0);

    private async Task CheckArtifactPresentAsync(string key, IndexEntry entry, CancellationToken cancellationToken)
    {
        if (listed.TryGetValue(key, out var item))
        {
            if (item.Length != entry.Length)
            {
                throw new VerificationException($"{key}: {item.Length} bytes, but its index entry pins {entry.Length}");
            }
        }
        else if (!await store.ExistsAsync(key, cancellationToken).ConfigureAwait(false))
        {
            throw new VerificationException(
                $"{key}: {entry.Version}'s artifact is pinned by the signed index but missing");
        }
    }

    /// <summary>Marks the artifacts an index document pins (they are not TUF targets, so no bin lists them).</summary>
    private async Task MarkArtifactsAsync(string indexKey, string targetPath, CancellationToken cancellationToken)
    {
        var stored = await store.GetOrNullAsync(indexKey, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return;
        }

        try
        {
            foreach (var entry in IndexJson.ParseIndex(stored.Content, targetPath).Versions)
            {
                Add(RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256));
            }
        }
        catch (VerificationException e)
        {
            // Deleting what an unreadable index might pin could lose artifacts: stop before any delete.
            throw new VerificationException(
                $"gc stopped before deleting anything: {e.Message}; run 'registry verify'",
                e);
        }
    }

    private async Task<T?> ParseOrNullAsync<T>(
        string key,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info,
        string type,
        CancellationToken cancellationToken)
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
