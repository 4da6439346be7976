using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Client.Internal;

/// <summary>
/// The update half of <see cref="RegistryClient"/>: brings a source's trusted metadata up to date with the
/// TUF client workflow, URL by URL, persists what verified, and attaches the client to the resulting state
/// (<see cref="AttachedState"/>), or to the cached state when no URL answers or <c>--offline</c> asks.
/// </summary>
internal sealed class SourceUpdater(
    RegistryHome home,
    SourceConfig source,
    TimeProvider time,
    FolderStore trustedStore,
    IReadOnlyList<HttpObjectReader> readers,
    ClientLimits limits,
    List<string> warnings,
    AttachedState attached)
{
    private const long TimestampCap = 64 * 1024;
    private readonly RegistryHome _home = home;
    private readonly SourceConfig _source = source;
    private readonly TimeProvider _time = time;
    private readonly FolderStore _trusted = trustedStore;
    private readonly IReadOnlyList<HttpObjectReader> _readers = readers;
    private readonly ClientLimits _limits = limits;
    private readonly List<string> _warnings = warnings;
    private readonly AttachedState _attached = attached;

    /// <summary>
    /// Brings the trusted metadata up to date. When every URL fails, the trusted metadata is used
    /// only while it has not expired: resolving from expired metadata (what a freeze attack that
    /// withholds updates would produce) is refused unless <paramref name="offline"/> asks for it.
    /// </summary>
    public async Task<UpdateResult> UpdateAsync(
        IReadOnlyCollection<string> expected,
        bool offline,
        CancellationToken cancellationToken)
    {
        var now = _attached.UpdatedAt = _time.GetUtcNow();
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
                var result = await UpdateFromAsync(reader, anchor, trusted, now, expected, cancellationToken)
                    .ConfigureAwait(false);
                _attached.Reader = reader;
                return result;
            }
            catch (StaleMetadataException e)
            {
                sawStale = true;
                problems.Add(e.Message);
                _warnings.Add($"skipped {reader.Location}: {e.Message}");
            }
            catch (VerificationException e) when (!cancellationToken.IsCancellationRequested)
            {
                refused ??= e;
                problems.Add(e.Message);
                _warnings.Add($"refused {reader.Location}: {e.Message}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException
                or Polly.Timeout.TimeoutRejectedException or RegistryException
                && e is not AccessDeniedException && !cancellationToken.IsCancellationRequested)
            {
                problems.Add($"{reader.Location}: {e.Message}");
                _warnings.Add($"{reader.Location} failed: {e.Message}");
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
        IReadOnlyCollection<string> expected,
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
                _warnings);
        }

        if (timestamp is null)
        {
            throw new RegistryException(
                $"{reader.Location}: no {RegistryLayout.TimestampKey}; not a registry (or a wrong URL)");
        }

        var local = new LocalFirstReader(reader, _trusted);
        var ahead = new PrefetchingReader(local);
        new UpdatePrefetch(expected, _limits.MaxMetadataBytes).Start(
            ahead,
            timestamp.Content,
            trusted?.Bins,
            cancellationToken);
        var update = new TrustedUpdate(ahead, anchor, now)
        {
            Trusted = trusted,
            LogCheck = (before, next, ct) => LogCheck.VerifyAsync(reader, before, next, _source, ct),
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

        AtomicFile.Write(etagFile, System.Text.Encoding.UTF8.GetBytes(timestamp.VersionTag));
        await AttachAsync(reader, next.Root, timestamp.Content, cancellationToken, (local, ahead)).ConfigureAwait(
            false);
        return new UpdateResult(UpdateStatus.Updated, next.Timestamp.Signed.Version, reader.Location, _warnings);
    }

    /// <summary>Uses a verified state, reading what it lacks (bins) from the URL; bins are kept once
    /// verified.</summary>
    private async Task AttachAsync(
        HttpObjectReader reader,
        SignedDocument<RootMetadata> root,
        byte[] timestamp,
        CancellationToken cancellationToken,
        (LocalFirstReader Local, PrefetchingReader Ahead)? update = null)
    {
        // After an update, the same readers: the bins prefetched with targets.json are on their way there.
        _attached.Local = update?.Local ?? new LocalFirstReader(reader, _trusted);
        var options = new StateLoadOptions
        {
            Anchor = root,
            Timestamp = new StoredObject(timestamp, ""),
            ProbeNewerRoots = false,
            OnVerified = (key, bytes) => _attached.VerifiedBins[key] = bytes,
        };
        _attached.State = await RegistryState.LoadOrNullAsync(
            update?.Ahead ?? (IObjectReader)_attached.Local, options, cancellationToken).ConfigureAwait(false);
    }

    private UpdateResult UseCached(RegistryState? trusted, DateTimeOffset now, string why, bool allowExpired)
    {
        _attached.State = trusted ?? throw new RegistryException(
            $"source '{_source.Name}': {why} and no trusted metadata is cached yet; connect once to fetch it");
        try
        {
            TrustChecks.VerifyFresh(trusted, now, "cached metadata");
            _warnings.Add($"{why}: using the trusted metadata cached for '{_source.Name}' (timestamp version "
                + $"{trusted.Timestamp.Signed.Version})");
        }
        catch (VerificationException e) when (allowExpired)
        {
            _warnings.Add($"{why}: using EXPIRED cached metadata for '{_source.Name}' "
                + $"because --offline asked for it: {e.Message}");
        }
        catch (VerificationException e)
        {
            _attached.State = null;
            throw new RegistryException(
                $"source '{_source.Name}': {why}, and the trusted metadata has expired ({e.Message}); refusing to "
                + "resolve from it, since withholding updates is how a freeze attack looks. Pass --offline to install "
                + "from the expired metadata anyway");
        }

        return new UpdateResult(UpdateStatus.Cached, trusted.Timestamp.Signed.Version, null, _warnings);
    }

    /// <summary>The headers a file of the trusted store is kept with.</summary>
    public static ObjectHeaders ObjectHeadersFor(string key) => new CachePolicy().For(key);
}

/// <summary>What the last update attached a <see cref="RegistryClient"/> to.</summary>
internal sealed class AttachedState
{
    /// <summary>The verified state lookups read; null before an update.</summary>
    public RegistryState? State { get; set; }

    /// <summary>The URL that served the state; null when the cached state is used.</summary>
    public HttpObjectReader? Reader { get; set; }

    /// <summary>The state's reader: the trusted store first, then the URL.</summary>
    public LocalFirstReader? Local { get; set; }

    /// <summary>The instant the update started: what expiry is checked against.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Bins verified since they were last persisted.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> VerifiedBins { get; } =
        new(StringComparer.Ordinal);

    /// <summary>Persists the bins verified since the last call that came from the URL (bytes that failed
    /// verification are never in the list).</summary>
    public async Task PersistVerifiedAsync(FolderStore trusted, CancellationToken cancellationToken)
    {
        foreach (var key in VerifiedBins.Keys.ToList())
        {
            if (VerifiedBins.TryRemove(key, out var content) && Local?.FetchedFromSource.ContainsKey(key) == true)
            {
                await trusted.PutIfAbsentAsync(key, content, SourceUpdater.ObjectHeadersFor(key), cancellationToken)
                    .ConfigureAwait(false);
            }
        }
    }
}
