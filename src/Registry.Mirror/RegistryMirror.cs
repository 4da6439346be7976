using System.Diagnostics;
using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;

namespace Registry.Mirror;

/// <summary>
/// Brings a destination store up to a source registry's current state over plain reads.
/// Starts from the source's <c>timestamp.json</c> (one request when nothing changed), verifies
/// the metadata from the mirror's trust anchor (signatures, thresholds, root rotation, hash
/// links, expiry, no version going back from what the destination holds), fetches only the
/// immutable files the destination lacks, verifies each against the signed metadata, writes
/// them create-only (artifacts streamed through their pin, so memory is bounded by
/// <see cref="MirrorOptions.Parallel"/>, not by their size), and swaps <c>timestamp.json</c> last: the destination is a
/// complete, valid registry at every instant, and an interrupted sync resumes where it stopped.
/// </summary>
public sealed class RegistryMirror(
    IObjectReader source,
    IObjectStore destination,
    SignedDocument<RootMetadata> trustAnchor,
    TimeProvider time,
    MirrorOptions? options = null)
{
    private readonly TimeProvider _time = time;
    private readonly MirrorOptions _options = options ?? new MirrorOptions();

    public async Task<MirrorResult> SyncAsync(IProgress<MirrorProgress>? progress, CancellationToken cancellationToken)
    {
        // A bad public URL is refused before anything is fetched or written, not after the copy.
        var publicUrl = _options.NuGetUrl is { } url ? PublicBaseUrl.Normalize(url, "NuGet URL") : null;
        var clock = Stopwatch.StartNew();
        var now = _time.GetUtcNow();
        var sourceTimestamp = await source.GetOrNullAsync(RegistryLayout.TimestampKey, cancellationToken)
            .ConfigureAwait(false)
            ?? throw new VerificationException($"{source.Location}: no {RegistryLayout.TimestampKey}; not a registry");
        var destinationTimestamp = await destination.GetOrNullAsync(RegistryLayout.TimestampKey, cancellationToken)
            .ConfigureAwait(false);
        if (destinationTimestamp is not null
            && destinationTimestamp.Content.AsSpan().SequenceEqual(sourceTimestamp.Content))
        {
            return new MirrorResult(Unchanged: true, 0, 0, clock.Elapsed, Version(destinationTimestamp));
        }

        var current = destinationTimestamp is null ? null
            : await RegistryState.LoadOrNullAsync(
                destination,
                new StateLoadOptions { Anchor = trustAnchor, Timestamp = destinationTimestamp },
                cancellationToken).ConfigureAwait(false);
        var reader = new LocalFirstReader(source, destination);
        var update = new TrustedUpdate(reader, trustAnchor, now) { Trusted = current, RequireNewerTimestamp = true };
        var next = await update.LoadNextAsync(sourceTimestamp, cancellationToken).ConfigureAwait(false);
        await FetchRootChainAsync(reader, update, next.Root, cancellationToken).ConfigureAwait(false);
        var changedBins = next.Bins.AllNames()
            .Where(bin => current?.Snapshot.Signed.Meta.GetValueOrDefault(bin + ".json")?.Version != next.Snapshot
                .Signed
                .Meta[bin + ".json"]
                .Version)
            .ToList();
        var changedPackages = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(
            StringComparer.Ordinal);
        var files = 0;
        long bytes = 0;
        var binsDone = 0;
        var gate = new Lock();

        // One report at a time, in counting order, so that a progress display never goes back.
        void Report(int file, long length, int bin)
        {
            lock (gate)
            {
                files += file;
                bytes += length;
                binsDone += bin;
                progress?.Report(new MirrorProgress(files, bytes) { Bins = binsDone, BinsTotal = changedBins.Count });
            }
        }

        // A bin is done once each document it lists is copied or found at the destination.
        var remaining = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        void Done(string path)
        {
            if (remaining.AddOrUpdate(next.Bins.BinFor(path), 0, (_, left) => left - 1) == 0)
            {
                Report(0, 0, 1);
            }
        }

        var walk = new WalkOptions
        {
            Bins = changedBins,
            Parallelism = Math.Max(1, _options.Parallel),
            Documents = (source, SourceName),
            OnBin = async (bin, document, ct) =>
            {
                await CheckBinAsync(current, bin, document, now, ct).ConfigureAwait(false);
                remaining[bin] = document.Signed.Targets.Count;
                if (document.Signed.Targets.Count == 0)
                {
                    Report(0, 0, 1);
                }
            },

            // An index document is written after every artifact it pins, so one that the
            // destination holds needs nothing more: an unchanged package costs no request.
            Skip = async (path, key, ct) =>
            {
                var held = await destination.ExistsAsync(key, ct).ConfigureAwait(false);
                if (held)
                {
                    Done(path);
                }

                return held;
            },
        };
        var walked = next.WalkAsync(walk, cancellationToken);
        await Parallel.ForEachAsync(walked, ParallelOptionsFor(cancellationToken), async (document, ct) =>
        {
            changedPackages[document.Index.Name] = true;
            foreach (var entry in document.Index.Versions)
            {
                // Streamed through its pin into a create-only write: never held in memory, and
                // visible at the destination only once verified.
                var artifactKey = RegistryLayout.ArtifactKey(entry.Artifact, entry.Sha256);
                if (!await destination.ExistsAsync(artifactKey, ct).ConfigureAwait(false))
                {
                    await source.CopyPinnedAsync(
                        artifactKey, entry.Length, entry.Sha256, destination, CachePolicyFor(artifactKey),
                        SourceName(artifactKey), ct)
                        .ConfigureAwait(false);
                    Report(1, entry.Length, 0);
                }
            }

            await destination.PutIfAbsentAsync(document.Key, document.Content, CachePolicyFor(document.Key), ct)
                .ConfigureAwait(false);
            Report(1, document.Content.LongLength, 0);
            Done(document.Path);
        }).ConfigureAwait(false);

        // Metadata, then roots, then the timestamp: a reader never meets a state the mirror lacks.
        // Only metadata that passed verification is written (the root chain was verified link by link).
        foreach (var (key, content) in update.ToPersist(reader))
        {
            await destination.PutIfAbsentAsync(key, content, CachePolicyFor(key), cancellationToken)
                .ConfigureAwait(false);
            files++;
            bytes += content.LongLength;
        }

        // The log before the timestamp: the mirror's state is never ahead of its log.
        var (logFiles, logBytes) = await LogCopy.CopyAsync(
            source,
            destination,
            current,
            next,
            CachePolicyFor,
            cancellationToken).ConfigureAwait(false);
        files += logFiles;
        bytes += logBytes;

        // The views before the timestamp: a sync interrupted after them is redone by the next run.
        var views = await SyncViewsAsync(publicUrl, changedPackages.Keys.ToList(), next, cancellationToken)
            .ConfigureAwait(false);
        if (await destination.SwapAsync(
            RegistryLayout.TimestampKey,
            sourceTimestamp.Content,
            destinationTimestamp?.VersionTag,
            CachePolicyFor(RegistryLayout.TimestampKey),
            cancellationToken).ConfigureAwait(false) != SwapResult.Swapped)
        {
            throw new ConflictException(
                $"{destination.Location}: timestamp.json changed during the sync (another mirror run?); run again");
        }

        files++;
        bytes += sourceTimestamp.Content.LongLength;
        progress?.Report(new MirrorProgress(files, bytes) { Bins = binsDone, BinsTotal = changedBins.Count });
        return new MirrorResult(Unchanged: false, files, bytes, clock.Elapsed, next.Timestamp.Signed.Version) {
            Views = views };
    }

    /// <summary>
    /// Writes the mirror's own derived views (<see cref="MirrorOptions.Views"/>) of the packages
    /// whose index changed, derived from the verified state being mirrored under the mirror's URL
    /// (so the origin's views are not copied byte for byte); every artifact they name is already
    /// in the destination.
    /// </summary>
    private async Task<IReadOnlyList<ViewSyncStats>> SyncViewsAsync(
        string? url,
        IReadOnlyCollection<string> changed,
        RegistryState next,
        CancellationToken cancellationToken)
    {
        var context = new ViewContext
        {
            Store = destination,
            BaseUrl = url,
            CachePolicy = _options.CachePolicy,
            LoadState = _ => Task.FromResult(next),
            Time = _time,
            EnabledViews = [.. _options.Views.Select(v => v.Name)],
        };
        var results = new List<ViewSyncStats>();
        foreach (var view in _options.Views)
        {
            var stats = await view.SyncAsync(context, changed, cancellationToken).ConfigureAwait(false);
            if (stats.Touched)
            {
                results.Add(stats);
            }
        }

        return results;
    }

    /// <summary>
    /// Makes sure the destination will hold every root version from 1 to the newest, so its
    /// readers can walk the rotation chain from any root they trust; the chain is verified
    /// link by link and must pass through the mirror's trust anchor.
    /// </summary>
    private async Task FetchRootChainAsync(
        LocalFirstReader reader,
        TrustedUpdate update,
        SignedDocument<RootMetadata> newest,
        CancellationToken cancellationToken)
    {
        SignedDocument<RootMetadata>? previous = null;
        for (long version = 1; version <= newest.Signed.Version; version++)
        {
            var key = RegistryLayout.RootKey(version);
            var stored = await reader.GetOrNullAsync(key, cancellationToken).ConfigureAwait(false)
                ?? throw new VerificationException($"{source.Location}/{key}: missing; the root chain is broken");
            var root = RootChain.Parse(stored.Content, key);
            if (previous is null)
            {
                RootChain.VerifySelfSigned(root, key);
            }
            else
            {
                RootChain.VerifySuccessor(previous, root, key);
            }

            if (version == trustAnchor.Signed.Version
                && !root.CanonicalSigned.AsSpan().SequenceEqual(trustAnchor.CanonicalSigned))
            {
                throw new VerificationException(
                    $"{source.Location}/{key}: differs from the trusted root given to the mirror");
            }

            update.AddVerified(key, stored.Content);
            previous = root;
        }
    }

    /// <summary>A changed bin: not expired, and its version not behind the one the mirror holds.</summary>
    private async Task CheckBinAsync(
        RegistryState? current, string bin, SignedDocument<TargetsMetadata> document, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        MetadataVerifier.VerifyNotExpired(document.Signed, now, $"{source.Location} {bin}");
        if (current is not null && current.Snapshot.Signed.Meta.GetValueOrDefault(bin + ".json") is { } before)
        {
            var old = await current.GetBinAsync(bin, cancellationToken).ConfigureAwait(false);
            if (document.Signed.Version < old.Signed.Version || document.Signed.Version < before.Version)
            {
                throw new VerificationException(
                    $"{source.Location}: {bin} went back from version {old.Signed.Version} to "
                    + $"{document.Signed.Version} (rollback)");
            }
        }
    }

    private string SourceName(string key) => source.Location.TrimEnd('/') + "/" + key;

    private ObjectHeaders CachePolicyFor(string key) => _options.CachePolicy.For(key);

    private ParallelOptions ParallelOptionsFor(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Math.Max(1, _options.Parallel), CancellationToken = cancellationToken };

    private static long Version(StoredObject timestamp) =>
        SignedDocument<TimestampMetadata>.Parse(
            timestamp.Content,
            RoleNames.Timestamp,
            TufJsonContext.Default.TimestampMetadata,
            RegistryLayout.TimestampKey).Signed.Version;
}

public sealed record MirrorOptions
{
    /// <summary>Concurrent downloads.</summary>
    public int Parallel { get; init; } = 8;

    /// <summary>Headers for the files written (the destination's timestamp max-age).</summary>
    public CachePolicy CachePolicy { get; init; } = new();

    /// <summary>The mirror's public base URL, which its derived views' absolute URLs name (the NuGet feed needs
    /// one).</summary>
    public string? NuGetUrl { get; init; }

    /// <summary>The derived views the mirror writes for itself, derived from the verified copy.</summary>
    public IReadOnlyList<IRegistryView> Views { get; init; } = [];
}

/// <summary>Files and bytes written so far, and how many of the changed bins (the unit of work whose total is known up
/// front) are done.</summary>
public sealed record MirrorProgress(int Files, long Bytes)
{
    public int Bins { get; init; }

    public int BinsTotal { get; init; }
}

public sealed record MirrorResult(
    bool Unchanged,
    int FilesFetched,
    long BytesFetched,
    TimeSpan Elapsed,
    long TimestampVersion)
{
    /// <summary>What the mirror's views wrote (views with nothing to do left out).</summary>
    public IReadOnlyList<ViewSyncStats> Views { get; init; } = [];
}
