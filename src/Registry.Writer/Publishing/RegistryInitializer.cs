using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing;

/// <summary>
/// Creates a new registry: the role keys (when the keys folder lacks them), root, top-level
/// targets delegating to the hashed bins, every bin (empty), the snapshot and, last, the
/// timestamp. Until the timestamp exists the store holds no registry, so an interrupted init
/// leaves nothing a client would use.
/// </summary>
public sealed class RegistryInitializer(IObjectStore store, KeyRing keys, TimeProvider time)
{
    private readonly TimeProvider _time = time;

    public async Task<InitResult> InitAsync(InitOptions options, CancellationToken cancellationToken)
    {
        var bitLength = HashBins.BitLengthFor(options.Bins);
        if (await store.ExistsAsync(RegistryLayout.TimestampKey, cancellationToken).ConfigureAwait(false))
        {
            throw new ValidationException(Rules.AlreadyInitialized, $"{store.Location}: already holds a registry "
                + $"({RegistryLayout.TimestampKey} exists); nothing was changed");
        }

        if (await store.ExistsAsync(RegistryLayout.RootKey(1), cancellationToken).ConfigureAwait(false))
        {
            throw new ValidationException(Rules.AlreadyInitialized,
                $"{store.Location}: holds {RegistryLayout.RootKey(1)} but no timestamp: an earlier init was "
                + "interrupted; empty the store and run init again");
        }

        var settings = options.Settings.Validate();
        var policy = settings.CachePolicy;
        var now = _time.GetUtcNow();
        var roleKeys = RoleNames.TopLevel.ToDictionary(role => role, keys.GetOrCreateRoleKey, StringComparer.Ordinal);
        var targetsKey = roleKeys[RoleNames.Targets];
        var logKey = options.LogOrigin is { } origin ? Keys.LogKey.GetOrCreate(keys.Folder, origin) : null;

        var root = SignedDocument<RootMetadata>.Create(new RootMetadata
        {
            Type = RoleNames.Root,
            Version = 1,
            Expires = now.AddDays(settings.RootExpiryDays),
            Keys = new SortedDictionary<string, TufKey>(
                roleKeys.Values.DistinctBy(k => k.KeyId).ToDictionary(k => k.KeyId, k => k.Public),
                StringComparer.Ordinal),
            Roles = new SortedDictionary<string, RoleKeys>(
                roleKeys.ToDictionary(p => p.Key, p => new RoleKeys([p.Value.KeyId], 1)),
                StringComparer.Ordinal),
            LayoutVersion = RegistryFormat.Current,
            Log = logKey is null ? null : new RootLog(logKey.Name, logKey.Verifier.Encoded),
        }, [roleKeys[RoleNames.Root]], TufJsonContext.Default.RootMetadata);

        var bins = new HashBins(bitLength, "bin");
        var targets = SignedDocument<TargetsMetadata>.Create(new TargetsMetadata
        {
            Type = RoleNames.Targets,
            Version = 1,
            Expires = now.AddDays(settings.TargetsExpiryDays),
            Targets = new Dictionary<string, TargetFile>(),
            Delegations = new Delegations
            {
                Keys = new Dictionary<string, TufKey> { [targetsKey.KeyId] = targetsKey.Public },
                SuccinctRoles = new SuccinctRoles {
                    KeyIds = [targetsKey.KeyId],
                    Threshold = 1,
                    BitLength = bitLength,
                    NamePrefix = bins.NamePrefix },
            },
            LayoutVersion = RegistryFormat.Current,
        }, [targetsKey], TufJsonContext.Default.TargetsMetadata);

        await PutAsync(RegistrySettings.Key, settings.ToJson(), policy, cancellationToken).ConfigureAwait(false);
        await PutAsync(RegistryLayout.RootKey(1), root.FileBytes, policy, cancellationToken).ConfigureAwait(false);
        await PutAsync(RegistryLayout.MetadataKey(RoleNames.Targets, 1), targets.FileBytes, policy, cancellationToken)
            .ConfigureAwait(false);

        var emptyBin = new TargetsMetadata
        {
            Type = RoleNames.Targets,
            Version = 1,
            Expires = now.AddDays(settings.BinsExpiryDays),
            Targets = new Dictionary<string, TargetFile>(),
        };
        var binBytes = SignedDocument<TargetsMetadata>.Create(
            emptyBin,
            [targetsKey],
            TufJsonContext.Default.TargetsMetadata).FileBytes;
        await Parallel.ForEachAsync(bins.AllNames(), new ParallelOptions {
            MaxDegreeOfParallelism = 16,
            CancellationToken = cancellationToken },
            async (bin, ct) => await PutAsync(RegistryLayout.MetadataKey(bin, 1), binBytes, policy, ct).ConfigureAwait(
                false)).ConfigureAwait(false);

        var meta = new SortedDictionary<string, MetaFile>(StringComparer.Ordinal) {
            ["targets.json"] = new() { Version = 1 } };
        foreach (var bin in bins.AllNames())
        {
            meta[bin + ".json"] = new MetaFile { Version = 1 };
        }

        var snapshot = SignedDocument<SnapshotMetadata>.Create(new SnapshotMetadata
        {
            Type = RoleNames.Snapshot,
            Version = 1,
            Expires = now.AddDays(settings.SnapshotExpiryDays),
            Meta = meta,
        }, [roleKeys[RoleNames.Snapshot]], TufJsonContext.Default.SnapshotMetadata);
        await PutAsync(RegistryLayout.MetadataKey(RoleNames.Snapshot, 1), snapshot.FileBytes, policy, cancellationToken)
            .ConfigureAwait(false);

        TimestampLog? log = null;
        if (logKey is not null)
        {
            // The log's entry 0 is the empty registry.
            var entry = new Log.LogEntry(1, 1, Hashing.Sha256Hex(snapshot.FileBytes), 1, []);
            log = await new Internal.LogCommitter(
                store,
                logKey,
                root.Signed.Log!,
                policy,
                _time,
                TimeSpan.FromSeconds(10)).AppendAsync(entry, cancellationToken).ConfigureAwait(false)
                ?? throw new ConflictException($"{store.Location}: another init created the log at the same time");
        }

        var timestamp = SignedDocument<TimestampMetadata>.Create(new TimestampMetadata
        {
            Log = log,
            Type = RoleNames.Timestamp,
            Version = 1,
            Expires = now.AddDays(settings.TimestampExpiryDays),
            Meta = new Dictionary<string, MetaFile>
            {
                ["snapshot.json"] = new()
                {
                    Version = 1,
                    Length = snapshot.FileBytes.LongLength,
                    Hashes = new Dictionary<string, string> { ["sha256"] = Hashing.Sha256Hex(snapshot.FileBytes) },
                },
            },
        }, [roleKeys[RoleNames.Timestamp]], TufJsonContext.Default.TimestampMetadata);
        if (await store.SwapAsync(
            RegistryLayout.TimestampKey,
            timestamp.FileBytes,
            null,
            policy.For(RegistryLayout.TimestampKey),
            cancellationToken).ConfigureAwait(false) != SwapResult.Swapped)
        {
            throw new ConflictException($"{store.Location}: another init created the registry at the same time");
        }

        return new InitResult(
            Hashing.Sha256Hex(root.FileBytes),
            root.FileBytes,
            bins.Count,
            roleKeys.ToDictionary(p => p.Key, p => keys.FileOf[p.Value.KeyId]));
    }

    private async Task PutAsync(string key, byte[] content, CachePolicy policy, CancellationToken cancellationToken)
    {
        if (await store.PutIfAbsentAsync(key, content, policy.For(key), cancellationToken)
            .ConfigureAwait(false) != PutResult.Created)
        {
            throw new ConflictException(
                $"{store.Location}/{key}: exists already; another init is running or an earlier one was interrupted");
        }
    }
}

public sealed record InitOptions
{
    /// <summary>Number of hashed bins: a power of two; <see cref="HashBins.BestCountFor"/> gives the one that keeps a
    /// publish smallest.</summary>
    public int Bins { get; init; } = 256;

    public RegistrySettings Settings { get; init; } = new();

    /// <summary>
    /// Keep a transparency log with this origin (a schema-less URL, e.g. <c>registry.example.com/log</c>):
    /// its key is made in the keys folder as <c>log.key</c> and named in the root. Null: no log.
    /// </summary>
    public string? LogOrigin { get; init; }
}

/// <summary>The new registry's trust anchor (<c>1.root.json</c>) and where its keys are.</summary>
public sealed record InitResult(
    string RootSha256,
    byte[] RootBytes,
    long BinCount,
    IReadOnlyDictionary<string, string> KeyFiles);
