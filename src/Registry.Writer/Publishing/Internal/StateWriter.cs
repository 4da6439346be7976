using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// Writes a change set in the order that keeps the registry valid at every instant:
/// artifacts, then the index documents that pin them, then the new bins, then the new snapshot, each create-only; then
/// the timestamp by compare-and-swap on the tag read with the state. Until the swap, nothing reachable from the current
/// timestamp has changed, so a crash or a lost race leaves only unreferenced files behind.
/// </summary>
internal sealed class StateWriter(
    IObjectStore store,
    KeyRing keys,
    RegistrySettings settings,
    TimeProvider time,
    TimeSpan logLease)
{
    private const int MaxVersionProbes = 50;

    private int _files;

    /// <summary>Witnesses that did not cosign this commit's checkpoint.</summary>
    public List<string> WitnessProblems { get; } = [];

    private static Log.WitnessEndpoint Parse(string witness)
    {
        try
        {
            return Log.WitnessEndpoint.Parse(witness);
        }
        catch (Log.LogException e)
        {
            throw new EnvironmentException($"{RegistrySettings.Key}: {e.Message}");
        }
    }
    private long _bytes;

    /// <summary>Commits, or returns null when the timestamp changed since the state was read.</summary>
    public async Task<CommitStats?> CommitAsync(
        RegistryState state,
        ChangeSet changes,
        CancellationToken cancellationToken)
    {
        _files = 0;
        _bytes = 0;
        var now = time.GetUtcNow();
        var policy = settings.CachePolicy;
        var root = state.Root.Signed;

        foreach (var artifact in changes.Artifacts)
        {
            using var content = new MemoryStream(artifact.Content, writable: false);
            if (await store.PutIfAbsentAsync(
                artifact.Key,
                content,
                artifact.Content.LongLength,
                policy.For(artifact.Key),
                cancellationToken).ConfigureAwait(false) == PutResult.Created)
            {
                Count(artifact.Content.LongLength);
            }
        }

        foreach (var target in changes.Targets)
        {
            var key = RegistryLayout.TargetKey(target.Path, target.Info.Sha256);
            using var content = new MemoryStream(target.Content, writable: false);
            if (await store.PutIfAbsentAsync(
                key,
                content,
                target.Content.LongLength,
                policy.For(key),
                cancellationToken).ConfigureAwait(false) == PutResult.Created)
            {
                Count(target.Content.LongLength);
            }
        }

        // A bin: its targets, signed by the delegation's keys, at the first free version from firstVersion.
        Task<long> WriteBinAsync(
            string bin,
            long firstVersion,
            SortedDictionary<string, TargetFile> targets,
            IReadOnlyList<SigningKey> signers,
            CancellationToken ct) =>
            WriteNewVersionAsync(bin, firstVersion, v => new TargetsMetadata
            {
                Type = RoleNames.Targets,
                Version = v,
                Expires = now.AddDays(settings.BinsExpiryDays),
                Targets = targets,
            }, TufJsonContext.Default.TargetsMetadata, signers, policy, ct);

        var snapshotMeta = new Dictionary<string, MetaFile>(state.Snapshot.Signed.Meta, StringComparer.Ordinal);
        var delegation = (changes.NewDelegations ?? state.Targets.Signed.Delegations!).SuccinctRoles;
        IReadOnlyList<SigningKey>? binKeys = null;
        if (changes.NewBins is { } fresh)
        {
            binKeys = keys.KeysFor("bins (targets)", new RoleKeys(delegation.KeyIds, delegation.Threshold));
            var written = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            await Parallel.ForEachAsync(fresh, new ParallelOptions {
                MaxDegreeOfParallelism = 16,
                CancellationToken = cancellationToken }, async (pair, ct) =>
            {
                // A name the old delegation also had (512 -> 1024 bins share bin-000 .. bin-1ff)
                // moves past its listed version: a client that trusted the old one sees no rollback.
                var first = (snapshotMeta.GetValueOrDefault(pair.Key + ".json")?.Version ?? 0) + 1;
                written[pair.Key] = await WriteBinAsync(pair.Key, first, pair.Value, binKeys, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            foreach (var (bin, version) in written)
            {
                snapshotMeta[bin + ".json"] = new MetaFile { Version = version };
            }
        }

        foreach (var bin in changes.BinEdits.Keys.Union(changes.BinsToResign).Order(StringComparer.Ordinal))
        {
            binKeys ??= keys.KeysFor("bins (targets)", new RoleKeys(delegation.KeyIds, delegation.Threshold));
            var old = await state.GetBinAsync(bin, cancellationToken).ConfigureAwait(false);
            var targets = new SortedDictionary<string, TargetFile>(
                old.Signed.Targets.ToDictionary(),
                StringComparer.Ordinal);
            foreach (var (path, info) in changes.BinEdits.GetValueOrDefault(bin) ?? [])
            {
                targets[path] = info;
            }

            var version = await WriteBinAsync(bin, old.Signed.Version + 1, targets, binKeys, cancellationToken)
                .ConfigureAwait(false);
            snapshotMeta[bin + ".json"] = new MetaFile { Version = version };
        }

        if (changes.ResignTargets)
        {
            var old = state.Targets.Signed;
            var version = await WriteNewVersionAsync(
                RoleNames.Targets,
                old.Version + 1,
                v => old with
                {
                    Version = v,
                    Expires = now.AddDays(settings.TargetsExpiryDays),
                    Delegations = changes.NewDelegations ?? old.Delegations,
                },
                TufJsonContext.Default.TargetsMetadata,
                keys.KeysFor(RoleNames.Targets, root.Roles[RoleNames.Targets]),
                policy,
                cancellationToken).ConfigureAwait(false);
            snapshotMeta["targets.json"] = new MetaFile { Version = version };
        }

        var snapshotVersion = state.Snapshot.Signed.Version;
        var snapshotBytes = state.Snapshot.FileBytes;
        if (!changes.IsEmpty)
        {
            var sorted = new SortedDictionary<string, MetaFile>(snapshotMeta, StringComparer.Ordinal);
            (snapshotVersion, snapshotBytes) = await WriteNewVersionWithBytesAsync(RoleNames.Snapshot, snapshotVersion
                + 1, v => new SnapshotMetadata
            {
                Type = RoleNames.Snapshot,
                Version = v,
                Expires = now.AddDays(settings.SnapshotExpiryDays),
                Meta = sorted,
            }, TufJsonContext.Default.SnapshotMetadata, keys.KeysFor(
                RoleNames.Snapshot,
                root.Roles[RoleNames.Snapshot]), policy, cancellationToken).ConfigureAwait(false);
        }

        TimestampLog? log = null;
        if (root.Log is { } rootLog)
        {
            var key = Keys.LogKey.LoadOrNull(keys.Folder) ?? throw new EnvironmentException(
                $"this registry keeps a transparency log; its key {Keys.LogKey.FileName} is not in {keys.Folder}");
            var witnesses = (settings.Witnesses ?? []).Select(w => Parse(w)).ToList();
            var committer = new LogCommitter(store, key, rootLog, policy, time, logLease, witnesses);
            var entry = new Log.LogEntry(state.Timestamp.Signed.Version + 1, snapshotVersion, Hashing.Sha256Hex(
                snapshotBytes), root.Version,
                [.. changes.Targets
                    .Select(t => new Log.LogPackage(Path.GetFileNameWithoutExtension(t.Path), t.Info.Sha256))]);
            log = await committer.AppendAsync(entry, cancellationToken).ConfigureAwait(false);
            WitnessProblems.AddRange(committer.WitnessProblems);
            _files += committer.Files;
            _bytes += committer.Bytes;
            if (log is null)
            {
                return null;
            }
        }

        var timestamp = SignedDocument<TimestampMetadata>.Create(new TimestampMetadata
        {
            Type = RoleNames.Timestamp,
            Version = state.Timestamp.Signed.Version + 1,
            Expires = now.AddDays(settings.TimestampExpiryDays),
            Meta = new Dictionary<string, MetaFile>
            {
                ["snapshot.json"] = new()
                {
                    Version = snapshotVersion,
                    Length = snapshotBytes.LongLength,
                    Hashes = new Dictionary<string, string> { ["sha256"] = Hashing.Sha256Hex(snapshotBytes) },
                },
            },
            Log = log,
        }, keys.KeysFor(RoleNames.Timestamp, root.Roles[RoleNames.Timestamp]), TufJsonContext.Default
            .TimestampMetadata);

        var swapped = await store.SwapAsync(
            RegistryLayout.TimestampKey,
            timestamp.FileBytes,
            state.TimestampTag,
            policy.For(RegistryLayout.TimestampKey),
            cancellationToken).ConfigureAwait(false);
        if (swapped == SwapResult.Conflict)
        {
            return null;
        }

        Count(timestamp.FileBytes.LongLength);
        return new CommitStats(_files, _bytes, snapshotVersion, timestamp.Signed.Version, 1) {
            WitnessProblems = WitnessProblems.Count > 0 ? WitnessProblems : null };
    }

    private async Task<long> WriteNewVersionAsync<T>(
        string role,
        long firstVersion,
        Func<long, T> build,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info,
        IReadOnlyList<SigningKey> signers,
        CachePolicy policy,
        CancellationToken cancellationToken)
        where T : SignedBase =>
        (await WriteNewVersionWithBytesAsync(role, firstVersion, build, info, signers, policy, cancellationToken)
            .ConfigureAwait(false)).Version;

    /// <summary>
    /// Creates <c>metadata/V.ROLE.json</c> at the first free version from <paramref name="firstVersion"/>.
    /// A taken version is a file left by a crash or by a concurrent publisher; either way a higher
    /// version is as good (versions only have to grow), and the timestamp swap decides who wins.
    /// </summary>
    private async Task<(long Version, byte[] Bytes)> WriteNewVersionWithBytesAsync<T>(
        string role,
        long firstVersion,
        Func<long, T> build,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info,
        IReadOnlyList<SigningKey> signers,
        CachePolicy policy,
        CancellationToken cancellationToken)
        where T : SignedBase
    {
        for (var version = firstVersion; version < firstVersion + MaxVersionProbes; version++)
        {
            var document = SignedDocument<T>.Create(build(version), signers, info);
            var key = RegistryLayout.MetadataKey(role, version);
            if (await store.PutIfAbsentAsync(key, document.FileBytes, policy.For(key), cancellationToken)
                .ConfigureAwait(false) == PutResult.Created)
            {
                Count(document.FileBytes.LongLength);
                return (version, document.FileBytes);
            }
        }

        throw new ConflictException($"{role}: versions {firstVersion}..{firstVersion + MaxVersionProbes - 1} are all "
            + "taken; run 'registry gc' or retry");
    }

    private void Count(long bytes)
    {
        Interlocked.Increment(ref _files);
        Interlocked.Add(ref _bytes, bytes);
    }
}
