using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Client;

/// <summary>
/// Reads one registry source with the TUF client workflow: the trusted root, then the
/// timestamp (conditional request: an unchanged registry costs one request), the root chain,
/// snapshot, targets and the bins a lookup needs, each checked for signatures and thresholds,
/// hash and length links, expiry against the instant the update started, and versions never
/// going back from the trusted state. Trusted metadata persists under the source's folder in
/// registry layout; verified index documents and artifacts persist in the shared cache by
/// sha256. Each URL (primary, then mirrors) is tried in turn; a stale one is skipped.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private const long TimestampCap = 64 * 1024;
    private readonly RegistryHome _home;
    private readonly SourceConfig _source;
    private readonly TimeProvider _time;
    private readonly HttpPolicy _policy;
    private readonly HttpClient? _http;
    private readonly FolderStore _trusted;
    private readonly FolderStore _cache;
    private readonly List<HttpObjectReader> _readers;
    private RegistryState? _state;
    private HttpObjectReader? _reader;
    private LocalFirstReader? _local;
    private IReadOnlyCollection<string> _expected = [];
    private DateTimeOffset _updatedAt;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _verifiedBins = new(
        StringComparer.Ordinal);

    public RegistryClient(
        RegistryHome home,
        SourceConfig source,
        TimeProvider time,
        HttpPolicy? policy = null,
        HttpClient? http = null,
        ClientLimits? limits = null)
    {
        Limits = limits ?? ClientLimits.Default;
        _home = home;
        _source = source;
        _time = time;
        _policy = policy ?? new HttpPolicy();
        _http = http;
        _trusted = new FolderStore(home.SourcePath(source.Name));
        _cache = new FolderStore(home.CachePath);

        // Metadata is capped here (and at its signed length when its parent gives one); an artifact
        // or index document is read up to the length its signed entry pins, whatever this cap.
        // A source's read token goes to the URLs on its own origin only; a mirror on another origin
        // gets its own stored token or none (RegistryHome.CredentialFor).
        _readers = source.Urls.Select(u => new HttpObjectReader(EnsureSlash(u), http, _policy)
        {
            Credential = home.CredentialFor(source, u),
            MaxBytes = Limits.MaxMetadataBytes,
            MaxBytesSetting = ClientLimits.MaxMetadataBytesVariable,
        }).ToList();
    }

    /// <summary>The source this client reads.</summary>
    public SourceConfig Source => _source;

    /// <summary>The per-user folder this client keeps its trusted state and cache in.</summary>
    public RegistryHome Home => _home;

    /// <summary>The retry and timeout policy of this client's requests.</summary>
    public HttpPolicy Policy => _policy;

    /// <summary>A client of another source in the same home, with this client's clock, policy, HTTP client and
    /// limits.</summary>
    public RegistryClient Open(SourceConfig source) => new(_home, source, _time, _policy, _http, Limits);

    /// <summary>The sizes this client accepts (the metadata cap, and the limits install extracts with).</summary>
    public ClientLimits Limits { get; }

    /// <summary>HTTP requests sent so far (retries included), over every URL.</summary>
    public int Requests => _readers.Sum(r => r.RequestCount);

    /// <summary>Warnings about what was used (expired or unrefreshed metadata), for the user.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>
    /// Names the packages the caller will look up first (a project's direct dependencies), so that
    /// an update fetches their bins in the same round trip as targets.json. A hint changes only
    /// when requests are sent, never what is accepted: every file is still verified in trust order.
    /// </summary>
    public void ExpectLookups(IEnumerable<string> names) =>
        _expected = [.. names.Select(Core.Packages.PackageName.FromUserInput).Where(Core.Packages.PackageName.IsValid)
            .Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Brings the trusted metadata up to date. When every URL fails, the trusted metadata is used
    /// only while it has not expired: resolving from expired metadata (what a freeze attack that
    /// withholds updates would produce) is refused unless <paramref name="offline"/> asks for it.
    /// </summary>
    public async Task<UpdateResult> UpdateAsync(bool offline, CancellationToken cancellationToken)
    {
        var now = _updatedAt = _time.GetUtcNow();
        var anchor = RootChain.Parse(await File.ReadAllBytesAsync(
            Path.Combine(_home.SourcePath(_source.Name), "root.json"),
            cancellationToken).ConfigureAwait(false), "root.json");
        // The trusted store holds only roots this client verified, over any number of updates: its own history.
        var trusted = await RegistryState.LoadOrNullAsync(
            _trusted,
            new StateLoadOptions { Anchor = anchor, MaxRootRotations = RootChain.MaxHistory },
            cancellationToken).ConfigureAwait(false);
        if (trusted is null)
        {
            // No state yet, but maybe roots kept by an update that stopped at the rotation cap: go on from the newest.
            anchor = await RootChain.LoadLatestAsync(
                _trusted,
                cancellationToken,
                anchor,
                maxRotations: RootChain.MaxHistory).ConfigureAwait(false);
        }

        if (offline)
        {
            return UseCached(trusted, now, "offline (--offline)", allowExpired: true);
        }

        // Each URL in turn: a stale, tampered or unreachable one is skipped for the next (every
        // byte is verified, so a mirror needs no trust). Only when every URL merely failed to
        // answer is the trusted metadata used; a refused one is an error, never a fallback.
        var problems = new List<string>();
        VerificationException? refused = null;
        var sawStale = false;
        foreach (var reader in _readers)
        {
            try
            {
                var result = await UpdateFromAsync(reader, anchor, trusted, now, cancellationToken).ConfigureAwait(
                    false);
                _reader = reader;
                return result;
            }
            catch (StaleMetadataException e)
            {
                sawStale = true;
                problems.Add(e.Message);
                Warnings.Add($"skipped {reader.Location}: {e.Message}");
            }
            catch (VerificationException e) when (!cancellationToken.IsCancellationRequested)
            {
                refused ??= e;
                problems.Add(e.Message);
                Warnings.Add($"refused {reader.Location}: {e.Message}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException
                or Polly.Timeout.TimeoutRejectedException or RegistryException && e is not AccessDeniedException && !cancellationToken.IsCancellationRequested)
            {
                problems.Add($"{reader.Location}: {e.Message}");
                Warnings.Add($"{reader.Location} failed: {e.Message}");
            }
        }

        if (refused is not null)
        {
            throw _readers.Count == 1 ? refused : new VerificationException(
                $"source '{_source.Name}': no URL gave a state that verifies ({string.Join("; ", problems)})",
                refused);
        }

        if (!sawStale && trusted is not null)
        {
            return UseCached(trusted, now, "every URL of the source failed", allowExpired: false);
        }

        throw new RegistryException(
            $"source '{_source.Name}': no URL gave a usable state ({string.Join("; ", problems)})");
    }

    private async Task<UpdateResult> UpdateFromAsync(
        HttpObjectReader reader,
        SignedDocument<RootMetadata> anchor,
        RegistryState? trusted,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var etagFile = Path.Combine(
            _home.SourcePath(_source.Name),
            $"timestamp.{Hashing.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(reader.Location))[..16]}.etag");
        var etag = trusted is not null && File.Exists(etagFile)
            ? await File.ReadAllTextAsync(etagFile, cancellationToken).ConfigureAwait(false)
            : null;
        var (notModified, timestamp) = await reader.GetIfChangedAsync(
            RegistryLayout.TimestampKey,
            etag,
            TimestampCap,
            cancellationToken).ConfigureAwait(false);
        if (notModified && trusted is null)
        {
            throw new RegistryException($"{reader.Location}: answered 304 Not Modified to a request that was not "
                + "conditional; not a usable registry");
        }

        if (trusted is not null && (notModified
            || (timestamp is not null && timestamp.Content.AsSpan().SequenceEqual(trusted.Timestamp.FileBytes))))
        {
            TrustChecks.VerifyFresh(trusted, now, reader.Location);
            await AttachAsync(reader, trusted.Root, trusted.Timestamp.FileBytes, cancellationToken).ConfigureAwait(
                false);
            return new UpdateResult(
                UpdateStatus.Unchanged,
                trusted.Timestamp.Signed.Version,
                reader.Location,
                Warnings);
        }

        if (timestamp is null)
        {
            throw new RegistryException(
                $"{reader.Location}: no {RegistryLayout.TimestampKey}; not a registry (or a wrong URL)");
        }

        var local = new LocalFirstReader(reader, _trusted);
        var ahead = new Internal.PrefetchingReader(local);
        new Internal.UpdatePrefetch(_expected, Limits.MaxMetadataBytes).Start(
            ahead,
            timestamp.Content,
            trusted?.Bins,
            cancellationToken);
        var update = new TrustedUpdate(ahead, anchor, now)
        {
            Trusted = trusted,
            LogCheck = (before, next, ct) => Internal.LogCheck.VerifyAsync(reader, before, next, _source, ct),
        };
        RegistryState next;
        try
        {
            next = await update.LoadNextAsync(timestamp, cancellationToken).ConfigureAwait(false);
        }
        catch (VerificationException e) when (e.Rule == RootChain.RotationsRule)
        {
            // As python-tuf does: keep the roots verified so far, so the next update goes on from the last of them.
            var kept = 0;
            foreach (var (key, content) in update.ToPersist(local)
                .Where(p => p.Key.EndsWith(".root.json", StringComparison.Ordinal)))
            {
                await _trusted.PutIfAbsentAsync(key, content, ObjectHeadersFor(key), cancellationToken)
                    .ConfigureAwait(false);
                kept++;
            }

            throw new VerificationException(RootChain.RotationsRule, $"{RegistryException.WithoutRule(e.Message)}; "
                + $"kept the {kept} root(s) verified so far, so the next update goes on from there", e);
        }

        // Only what passed verification enters the trusted store; roots last, the timestamp after all.
        foreach (var (key, content) in update.ToPersist(local))
        {
            await _trusted.PutIfAbsentAsync(key, content, ObjectHeadersFor(key), cancellationToken)
                .ConfigureAwait(false);
        }

        var current = await _trusted.GetOrNullAsync(RegistryLayout.TimestampKey, cancellationToken)
            .ConfigureAwait(false);
        if (current is null || !current.Content.AsSpan().SequenceEqual(timestamp.Content))
        {
            // A concurrent client may have stored the same or a newer state: both are verified.
            await _trusted.SwapAsync(
                RegistryLayout.TimestampKey,
                timestamp.Content,
                current?.VersionTag,
                ObjectHeadersFor(RegistryLayout.TimestampKey),
                cancellationToken).ConfigureAwait(false);
        }

        RegistryHome.WriteAtomically(etagFile, System.Text.Encoding.UTF8.GetBytes(timestamp.VersionTag));
        await AttachAsync(reader, next.Root, timestamp.Content, cancellationToken, (local, ahead)).ConfigureAwait(
            false);
        return new UpdateResult(UpdateStatus.Updated, next.Timestamp.Signed.Version, reader.Location, Warnings);
    }

    /// <summary>Uses a verified state, reading what it lacks (bins) from the URL; bins are kept once
    /// verified.</summary>
    private async Task AttachAsync(
        HttpObjectReader reader,
        SignedDocument<RootMetadata> root,
        byte[] timestamp,
        CancellationToken cancellationToken,
        (LocalFirstReader Local, Internal.PrefetchingReader Ahead)? update = null)
    {
        // After an update, the same readers: the bins prefetched with targets.json are on their way there.
        _local = update?.Local ?? new LocalFirstReader(reader, _trusted);
        _state = await RegistryState.LoadOrNullAsync(update?.Ahead ?? (IObjectReader)_local, new StateLoadOptions
        {
            Anchor = root,
            Timestamp = new StoredObject(timestamp, ""),
            ProbeNewerRoots = false,
            OnVerified = (key, bytes) => _verifiedBins[key] = bytes,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Persists the bins verified since the last call (bytes that failed verification are never in the
    /// list).</summary>
    private async Task PersistVerifiedAsync(CancellationToken cancellationToken)
    {
        foreach (var key in _verifiedBins.Keys.ToList())
        {
            if (_verifiedBins.TryRemove(key, out var content) && _local?.FetchedFromSource.ContainsKey(key) == true)
            {
                await _trusted.PutIfAbsentAsync(key, content, ObjectHeadersFor(key), cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }

    private UpdateResult UseCached(RegistryState? trusted, DateTimeOffset now, string why, bool allowExpired)
    {
        _state = trusted ?? throw new RegistryException(
            $"source '{_source.Name}': {why} and no trusted metadata is cached yet; connect once to fetch it");
        try
        {
            TrustChecks.VerifyFresh(trusted, now, "cached metadata");
            Warnings.Add($"{why}: using the trusted metadata cached for '{_source.Name}' (timestamp version "
                + $"{trusted.Timestamp.Signed.Version})");
        }
        catch (VerificationException e) when (allowExpired)
        {
            Warnings.Add(
                $"{why}: using EXPIRED cached metadata for '{_source.Name}' because --offline asked for it: {e.Message}");
        }
        catch (VerificationException e)
        {
            _state = null;
            throw new RegistryException(
                $"source '{_source.Name}': {why}, and the trusted metadata has expired ({e.Message}); refusing to "
                + "resolve from it, since withholding updates is how a freeze attack looks. Pass --offline to install "
                + "from the expired metadata anyway");
        }

        return new UpdateResult(UpdateStatus.Cached, trusted.Timestamp.Signed.Version, null, Warnings);
    }

    /// <summary>
    /// The verified index at NAME's normalised path, or null when the registry has no such
    /// package. Its <see cref="PackageIndex.Name"/> is the published spelling, which may differ
    /// from <paramref name="name"/> in '-', '_', '.'.
    /// </summary>
    public async Task<PackageIndex?> GetIndexAsync(string name, CancellationToken cancellationToken)
    {
        name = Core.Packages.PackageName.FromUserInput(name);
        if (!Core.Packages.PackageName.IsValid(name))
        {
            throw new ValidationException(
                Rules.NameInvalid,
                $"'{name}' is not a package name ({Core.Packages.PackageName.Rule})");
        }

        var path = RegistryLayout.IndexPath(name);
        var target = await FindTargetOrNullAsync(path, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return null;
        }

        var bytes = await GetVerifiedAsync(
            RegistryLayout.TargetKey(path, target.Sha256),
            target.Length,
            target.Sha256,
            cancellationToken).ConfigureAwait(false);
        return IndexJson.ParseIndex(bytes, path);
    }

    /// <summary>
    /// Published names close to <paramref name="name"/> (<see cref="Resolution.NameSuggestions"/>),
    /// for "did you mean". It searches only what this client already holds: the targets of the
    /// current state's bins that are in the trusted store (verified in this run or an earlier
    /// one), never listing or downloading the registry for it. Each suggestion is named in its
    /// published spelling, read from its index (its bin is local, so one request at most each).
    /// </summary>
    public async Task<IReadOnlyList<string>> SuggestNamesAsync(string name, CancellationToken cancellationToken)
    {
        var state = _state ?? throw new InvalidOperationException("call UpdateAsync first");
        var seen = new List<string>();
        foreach (var (file, meta) in state.Snapshot.Signed.Meta)
        {
            var bin = file[..^".json".Length];
            if (state.Bins.IsBinName(bin) && await _trusted.ExistsAsync(
                RegistryLayout.MetadataKey(bin, meta.Version),
                cancellationToken).ConfigureAwait(false))
            {
                var document = await state.GetBinAsync(bin, cancellationToken).ConfigureAwait(false);
                seen.AddRange(document.Signed.Targets.Keys
                    .Where(path => path.StartsWith("index/", StringComparison.Ordinal)
                        && path.EndsWith(".json", StringComparison.Ordinal))
                    .Select(path => path["index/".Length..^".json".Length]));
            }
        }

        var suggestions = new List<string>();
        foreach (var candidate in Resolution.NameSuggestions.Closest(name, seen))
        {
            suggestions.Add(
                (await GetIndexAsync(candidate, cancellationToken).ConfigureAwait(false))?.Name ?? candidate);
        }

        return suggestions;
    }

    /// <summary>
    /// The verified bytes of an artifact: exactly the length and sha256 its entry in a verified
    /// index pins (the index rules have checked that the entry names its canonical path).
    /// Served from the cache when present.
    /// </summary>
    public Task<byte[]> GetArtifactAsync(IndexEntry entry, CancellationToken cancellationToken) =>
        GetVerifiedAsync(
            RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256),
            entry.Length,
            entry.Sha256,
            cancellationToken);

    /// <summary>A cached artifact by sha256, verified, with no metadata and no network (for --offline installs from a
    /// lock).</summary>
    public async Task<byte[]?> GetCachedBlobOrNullAsync(string sha256, long length, CancellationToken cancellationToken)
    {
        return await Internal.BlobCache.GetOrNullAsync(_cache, sha256, length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The signed entry of a target path, from its bin (verified, not expired, kept in the trusted
    /// store).</summary>
    private async Task<TargetFile?> FindTargetOrNullAsync(string targetPath, CancellationToken cancellationToken)
    {
        var state = _state ?? throw new InvalidOperationException("call UpdateAsync first");
        var binName = state.Bins.BinFor(targetPath);
        SignedDocument<TargetsMetadata> bin;
        try
        {
            bin = await state.GetBinAsync(binName, cancellationToken).ConfigureAwait(false);
        }
        catch (VerificationException e) when (_reader is null)
        {
            throw new RegistryException($"offline: the metadata for '{targetPath}' is not cached ({e.Message})");
        }

        if (_reader is not null)
        {
            MetadataVerifier.VerifyNotExpired(bin.Signed, _updatedAt, $"{_reader.Location} {binName}");
        }

        await PersistVerifiedAsync(cancellationToken).ConfigureAwait(false);
        return bin.Signed.Targets.GetValueOrDefault(targetPath);
    }

    /// <summary>
    /// Bytes pinned by signed metadata (length, sha256): from the cache, else fetched, checked and
    /// cached. The URL that served the metadata is tried first, then the source's other URLs: a
    /// copy that is missing, stalls, or fails the check is skipped for the next.
    /// </summary>
    private async Task<byte[]> GetVerifiedAsync(
        string key,
        long length,
        string sha256,
        CancellationToken cancellationToken)
    {
        if (await GetCachedBlobOrNullAsync(sha256, length, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        var first = _reader ?? throw new RegistryException($"offline: '{key}' is not in the cache");
        RegistryException? failure = null;
        foreach (var reader in _readers.OrderBy(r => r == first ? 0 : 1))
        {
            try
            {
                var content = await reader.ReadPinnedAsync(
                    key,
                    length,
                    sha256,
                    reader.Location + key,
                    cancellationToken).ConfigureAwait(false);
                await Internal.BlobCache.PutAsync(_cache, sha256, content, cancellationToken).ConfigureAwait(false);
                return content;
            }
            catch (RegistryException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = failure is VerificationException ? failure : e;
                if (_readers.Count > 1)
                {
                    Warnings.Add($"{reader.Location}: {e.Message}");
                }
            }
        }

        throw failure!;
    }

    private static ObjectHeaders ObjectHeadersFor(string key) => new CachePolicy().For(key);

    private static Uri EnsureSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    public void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
    }
}
