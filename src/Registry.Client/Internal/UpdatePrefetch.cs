using Registry.Core;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Client.Internal;

/// <summary>
/// What an update reads ahead of verification, so that it costs the protocol's minimum of round trips:
/// the snapshot with the root probe, then targets.json and the bins of the <paramref name="expected"/>
/// lookups together. Only when requests are sent changes; every file is still verified in trust order.
/// </summary>
internal sealed class UpdatePrefetch(IReadOnlyCollection<string> expected, long maxMetadataBytes)
{
    /// <summary>
    /// Starts reading the snapshot the new timestamp names while the root probe is on its way: the
    /// trust order (root chain, then timestamp, then snapshot) fixes the order of verification, not
    /// of fetching. The timestamp is read here unverified, only for the snapshot's version and length;
    /// the snapshot is verified against the timestamp once the timestamp itself has been verified.
    /// </summary>
    public void Start(
        PrefetchingReader ahead, byte[] timestamp, HashBins? trustedBins, CancellationToken cancellationToken)
    {
        MetaFile? snapshot;
        try
        {
            snapshot = SignedDocument<TimestampMetadata>
                .Parse(
                    timestamp,
                    RoleNames.Timestamp,
                    TufJsonContext.Default.TimestampMetadata,
                    RegistryLayout.TimestampKey)
                .Signed.Meta.GetValueOrDefault(RoleNames.Snapshot + ".json");
        }
        catch (RegistryException)
        {
            return; // the verification that follows says what is wrong with it
        }

        if (snapshot is not null && snapshot.Version > 0)
        {
            var key = RegistryLayout.MetadataKey(RoleNames.Snapshot, snapshot.Version);
            ahead.Prefetch(key, Math.Min(snapshot.Length ?? long.MaxValue, maxMetadataBytes), cancellationToken);
            if (ahead.InFlight(key) is { } read)
            {
                _ = PrefetchTargetsAndBinsAsync(ahead, read, trustedBins, cancellationToken);
            }
        }
    }

    /// <summary>
    /// As soon as the snapshot's bytes arrive (unverified, read only for versions), starts
    /// targets.json and the bins of the expected lookups: targets.json names the bins' count, but
    /// the bins a lookup needs are computable from the count the trusted targets gave (or, on a
    /// first update, the count of bins the snapshot lists), so both travel in one round trip
    /// instead of two. A wrong guess costs a wasted request, never a wrong answer: the verifier
    /// asks for what the verified targets name, and a prefetch nobody asks for is dropped.
    /// </summary>
    private async Task PrefetchTargetsAndBinsAsync(
        PrefetchingReader ahead,
        Task<StoredObject?> snapshotRead,
        HashBins? trustedBins,
        CancellationToken cancellationToken)
    {
        try
        {
            var stored = await snapshotRead.ConfigureAwait(false);
            if (stored is null)
            {
                return;
            }

            var meta = SignedDocument<SnapshotMetadata>
                .Parse(stored.Content, RoleNames.Snapshot, TufJsonContext.Default.SnapshotMetadata, "snapshot")
                .Signed.Meta;
            if (meta.GetValueOrDefault("targets.json") is { Version: > 0 } targets)
            {
                var targetsKey = RegistryLayout.MetadataKey(RoleNames.Targets, targets.Version);
                ahead.Prefetch(targetsKey, maxMetadataBytes, cancellationToken);
            }

            if (expected.Count == 0 || (trustedBins ?? GuessBins(meta.Keys)) is not { } bins)
            {
                return;
            }

            foreach (var name in expected)
            {
                var bin = bins.BinFor(RegistryLayout.IndexPath(name));
                if (meta.GetValueOrDefault(bin + ".json") is { Version: > 0 } listed)
                {
                    var binKey = RegistryLayout.MetadataKey(bin, listed.Version);
                    ahead.Prefetch(binKey, maxMetadataBytes, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is RegistryException or HttpRequestException or OperationCanceledException
            or Polly.Timeout.TimeoutRejectedException)
        {
            // The verification that follows reads (and judges) the same files itself.
        }
    }

    /// <summary>
    /// The bin count a snapshot's entries suggest: the largest group of <c>bin-HEX.json</c> names of
    /// one width whose size is the power of two that width is made for (256 names of two digits).
    /// After a rebin the snapshot also lists the old count's bins; the larger count is the newer.
    /// </summary>
    private static HashBins? GuessBins(IEnumerable<string> files)
    {
        var best = 0;
        var names = files.Where(
            f => f.StartsWith("bin-", StringComparison.Ordinal) && f.EndsWith(".json", StringComparison.Ordinal));
        foreach (var group in names.GroupBy(f => f.Length))
        {
            var count = group.Count();
            var width = (count - 1).ToString("x", System.Globalization.CultureInfo.InvariantCulture).Length;
            var fits = width == group.Key - "bin-".Length - ".json".Length;
            if (count >= 2 && (count & (count - 1)) == 0 && count > best && fits)
            {
                best = count;
            }
        }

        return best == 0 ? null : new HashBins(int.Log2(best), "bin");
    }
}
