namespace Registry.Log;

/// <summary>
/// tlog-tiles lets a log delete a partial tile or entry bundle once the full one exists (registry gc
/// does, after a grace period), and lets a client read the full one instead: its first W hashes or
/// entries are the partial's. <see cref="Wrap"/> gives a reader that does so; what it returns is
/// trusted only through the proofs, like any tile.
/// </summary>
public static class PartialFallback
{
    public static LogFileReader Wrap(LogFileReader read) => async (key, cancellationToken) =>
    {
        var bytes = await read(key, cancellationToken).ConfigureAwait(false);
        if (bytes is not null || TilePath.FullOf(key) is not { } fullKey
            || !int.TryParse(
                key.AsSpan(key.LastIndexOf('/') + 1),
                System.Globalization.CultureInfo.InvariantCulture,
                out var width))
        {
            return bytes;
        }

        var full = await read(fullKey, cancellationToken).ConfigureAwait(false);
        if (full is null)
        {
            return null;
        }

        if (fullKey.Contains("tile/entries/", StringComparison.Ordinal))
        {
            var entries = EntryBundle.Decode(full);
            return entries.Count == TilePath.Width ? EntryBundle.Encode(entries[..width]) : null;
        }

        return full.Length == TilePath.Width * Merkle.HashSize ? full[..(width * Merkle.HashSize)] : null;
    };
}
