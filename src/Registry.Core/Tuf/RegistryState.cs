using System.Collections.Concurrent;
using Registry.Core.Storage;

namespace Registry.Core.Tuf;

/// <summary>How to load a <see cref="RegistryState"/>.</summary>
public sealed record StateLoadOptions
{
    /// <summary>A root the caller trusts; null: the store's own <c>1.root.json</c>.</summary>
    public SignedDocument<RootMetadata>? Anchor { get; init; }

    /// <summary><c>timestamp.json</c> as already fetched (saves a request); null: read it.</summary>
    public StoredObject? Timestamp { get; init; }

    /// <summary>Look for <c>N+1.root.json</c> beyond the anchor (false: the anchor is known to be the
    /// newest).</summary>
    public bool ProbeNewerRoots { get; init; } = true;

    /// <summary>
    /// Told the key and bytes of each metadata file (roots after the anchor, snapshot, targets,
    /// each bin) once it has passed every check: the only bytes a caller may keep as trusted.
    /// </summary>
    public Action<string, byte[]>? OnVerified { get; init; }

    /// <summary>Most root rotations followed past the anchor (null: <see cref="RootChain.LoadLatestAsync"/>'s
    /// default).</summary>
    public int? MaxRootRotations { get; init; }
}

/// <summary>
/// One complete, verified state of a registry as the timestamp names it: the root, timestamp,
/// snapshot and top-level targets, with the hashed bins read on demand. Every document is
/// checked against the keys of the root and against the version, length and hash its parent
/// recorded, so a publisher never builds on a state it could not verify.
/// </summary>
public sealed class RegistryState
{
    private readonly IObjectReader _store;
    private readonly Action<string, byte[]>? _onVerified;
    private readonly ConcurrentDictionary<string, Lazy<Task<SignedDocument<TargetsMetadata>>>> _bins =
        new(StringComparer.Ordinal);

    private RegistryState(
        IObjectReader store,
        Action<string, byte[]>? onVerified,
        SignedDocument<RootMetadata> root,
        SignedDocument<TimestampMetadata> timestamp,
        string timestampTag,
        SignedDocument<SnapshotMetadata> snapshot,
        SignedDocument<TargetsMetadata> targets)
    {
        _store = store;
        _onVerified = onVerified;
        Root = root;
        Timestamp = timestamp;
        TimestampTag = timestampTag;
        Snapshot = snapshot;
        Targets = targets;
        Bins = new HashBins(targets.Signed.Delegations?.SuccinctRoles
            ?? throw new VerificationException("targets metadata has no hashed-bin delegation (succinct_roles)"));
    }

    public SignedDocument<RootMetadata> Root { get; }

    public SignedDocument<TimestampMetadata> Timestamp { get; }

    /// <summary>The store's version tag of <c>timestamp.json</c> as read: the compare-and-swap expects it.</summary>
    public string TimestampTag { get; }

    public SignedDocument<SnapshotMetadata> Snapshot { get; }

    public SignedDocument<TargetsMetadata> Targets { get; }

    public HashBins Bins { get; }

    /// <summary>Where this state reads its files (bins, targets).</summary>
    internal IObjectReader Store => _store;

    /// <summary>This state under a newer root of the same chain: after a root rotation, a writer signs with the new
    /// root's keys.</summary>
    public RegistryState WithRoot(SignedDocument<RootMetadata> root)
        => new(_store, _onVerified, root, Timestamp, TimestampTag, Snapshot, Targets);

    /// <summary>Reads and verifies the current state, or returns null when the store holds no registry.</summary>
    public static Task<RegistryState?> LoadOrNullAsync(IObjectReader store, CancellationToken cancellationToken) =>
        LoadOrNullAsync(store, new StateLoadOptions(), cancellationToken);

    /// <summary>Reads and verifies the current state, or returns null when the store holds no
    /// <c>timestamp.json</c>.</summary>
    public static async Task<RegistryState?> LoadOrNullAsync(
        IObjectReader store,
        StateLoadOptions options,
        CancellationToken cancellationToken)
    {
        var timestampObject = options.Timestamp
            ?? await store.GetOrNullAsync(RegistryLayout.TimestampKey, cancellationToken).ConfigureAwait(false);
        if (timestampObject is null)
        {
            return null;
        }

        var root = !options.ProbeNewerRoots && options.Anchor is not null
            ? options.Anchor
            : await RootChain.LoadLatestAsync(
                store,
                cancellationToken,
                options.Anchor,
                options.OnVerified,
                options.MaxRootRotations).ConfigureAwait(false);
        RegistryFormat.Check(root.Signed.LayoutVersion, RegistryLayout.RootKey(root.Signed.Version));
        var keys = root.Signed.Keys;
        var timestamp = SignedDocument<TimestampMetadata>.Parse(
            timestampObject.Content,
            RoleNames.Timestamp,
            TufJsonContext.Default.TimestampMetadata,
            RegistryLayout.TimestampKey);
        MetadataVerifier.VerifyThreshold(
            timestamp,
            root.Signed.Roles[RoleNames.Timestamp],
            keys,
            RegistryLayout.TimestampKey);

        var snapshot = await ReadRoleAsync(
            store,
            timestamp.Signed.Meta,
            RegistryLayout.TimestampKey,
            RoleNames.Snapshot,
            TufJsonContext.Default.SnapshotMetadata,
            root.Signed.Roles[RoleNames.Snapshot],
            keys,
            cancellationToken).ConfigureAwait(false);
        var snapshotKey = RegistryLayout.MetadataKey(RoleNames.Snapshot, snapshot.Signed.Version);
        var targets = await ReadRoleAsync(
            store,
            snapshot.Signed.Meta,
            snapshotKey,
            RoleNames.Targets,
            TufJsonContext.Default.TargetsMetadata,
            root.Signed.Roles[RoleNames.Targets],
            keys,
            cancellationToken).ConfigureAwait(false);
        var targetsKey = RegistryLayout.MetadataKey(RoleNames.Targets, targets.Signed.Version);
        RegistryFormat.Check(targets.Signed.LayoutVersion, targetsKey);

        var state = new RegistryState(
            store,
            options.OnVerified,
            root,
            timestamp,
            timestampObject.VersionTag,
            snapshot,
            targets);
        options.OnVerified?.Invoke(snapshotKey, snapshot.FileBytes);
        options.OnVerified?.Invoke(targetsKey, targets.FileBytes);
        return state;
    }

    public static async Task<RegistryState> LoadAsync(IObjectReader store, CancellationToken cancellationToken) =>
        await LoadOrNullAsync(store, cancellationToken).ConfigureAwait(false)
        ?? throw await NoRegistry.ExplainAsync(store, cancellationToken).ConfigureAwait(false);

    /// <summary>The verified bin document of a bin name, read once (concurrent callers share one read).</summary>
    public async Task<SignedDocument<TargetsMetadata>> GetBinAsync(string bin, CancellationToken cancellationToken)
    {
        var load = _bins.GetOrAdd(
            bin,
            name => new Lazy<Task<SignedDocument<TargetsMetadata>>>(() => LoadBinAsync(name, cancellationToken)));
        try
        {
            return await load.Value.ConfigureAwait(false);
        }
        catch
        {
            _bins.TryRemove(new KeyValuePair<string, Lazy<Task<SignedDocument<TargetsMetadata>>>>(bin, load));
            throw;
        }
    }

    private async Task<SignedDocument<TargetsMetadata>> LoadBinAsync(string bin, CancellationToken cancellationToken)
    {
        var meta = Snapshot.Signed.Meta.GetValueOrDefault(bin + ".json")
            ?? throw new VerificationException($"snapshot version {Snapshot.Signed.Version} does not list bin {bin}");
        var key = RegistryLayout.MetadataKey(bin, meta.Version);
        var bytes = await ReadMetaAsync(_store, key, meta, cancellationToken).ConfigureAwait(false);
        var document = SignedDocument<TargetsMetadata>.Parse(
            bytes,
            RoleNames.Targets,
            TufJsonContext.Default.TargetsMetadata,
            key);
        var roles = Targets.Signed.Delegations!;
        MetadataVerifier.VerifyThreshold(
            document,
            new RoleKeys(roles.SuccinctRoles.KeyIds, roles.SuccinctRoles.Threshold),
            roles.Keys,
            key);
        CheckVersion(document.Signed, meta, key);
        foreach (var path in document.Signed.Targets.Keys)
        {
            if (Bins.BinFor(path) != bin)
            {
                throw new VerificationException(
                    $"{key}: lists target '{path}', which belongs to bin {Bins.BinFor(path)}");
            }
        }

        _onVerified?.Invoke(key, bytes);
        return document;
    }

    /// <summary>The target's length and hashes, or null when no bin lists it.</summary>
    public async Task<TargetFile?> FindTargetOrNullAsync(string targetPath, CancellationToken cancellationToken)
    {
        var bin = await GetBinAsync(Bins.BinFor(targetPath), cancellationToken).ConfigureAwait(false);
        return bin.Signed.Targets.GetValueOrDefault(targetPath);
    }

    /// <summary>Reads a target and checks its length and sha256 against the metadata.</summary>
    public async Task<byte[]?> ReadTargetOrNullAsync(string targetPath, CancellationToken cancellationToken)
    {
        var target = await FindTargetOrNullAsync(targetPath, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return null;
        }

        var key = RegistryLayout.TargetKey(targetPath, target.Sha256);
        return await _store.ReadPinnedAsync(key, target.Length, target.Sha256, key, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>A top-level role's document as its parent lists it: read, parsed, signed by the role's threshold, at
    /// the listed version.</summary>
    private static async Task<SignedDocument<T>> ReadRoleAsync<T>(
        IObjectReader store,
        IReadOnlyDictionary<string, MetaFile> parentMeta,
        string parentKey,
        string role,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info,
        RoleKeys roleKeys,
        IReadOnlyDictionary<string, TufKey> keys,
        CancellationToken cancellationToken)
        where T : SignedBase
    {
        var meta = parentMeta.GetValueOrDefault(role + ".json")
            ?? throw new VerificationException($"{parentKey}: no {role}.json entry");
        var key = RegistryLayout.MetadataKey(role, meta.Version);
        var bytes = await ReadMetaAsync(store, key, meta, cancellationToken).ConfigureAwait(false);
        var document = SignedDocument<T>.Parse(bytes, role, info, key);
        MetadataVerifier.VerifyThreshold(document, roleKeys, keys, key);
        CheckVersion(document.Signed, meta, key);
        return document;
    }

    /// <summary>A metadata file its parent describes: never read past a declared length; length and sha256 checked when
    /// declared.</summary>
    private static async Task<byte[]> ReadMetaAsync(
        IObjectReader store,
        string key,
        MetaFile meta,
        CancellationToken cancellationToken)
    {
        var stored = await store.GetCappedOrNullAsync(key, meta.Length ?? long.MaxValue, cancellationToken)
            .ConfigureAwait(false)
            ?? throw new VerificationException($"{key}: referenced by the signed metadata but missing from the store");
        if (meta.Length is { } length)
        {
            Hashing.VerifyLength(stored.Content.LongLength, length, key);
        }

        if (meta.Hashes?.GetValueOrDefault("sha256") is { } sha)
        {
            Hashing.VerifyContent(stored.Content, stored.Content.LongLength, sha, key);
        }

        return stored.Content;
    }

    private static void CheckVersion(SignedBase signed, MetaFile meta, string key)
    {
        if (signed.Version != meta.Version)
        {
            throw new VerificationException($"{key}: holds version {signed.Version}, its parent says {meta.Version}");
        }
    }
}
