namespace Registry.Log;

/// <summary>A file the log needs written: its store key and bytes (every one immutable once its checkpoint
/// exists).</summary>
public sealed record LogFile(string Key, byte[] Content);

/// <summary>What appending entries to a log produces: the new right-edge files and the new tree.</summary>
public sealed record LogAppend(long Size, byte[] Root, IReadOnlyList<LogFile> Files);

/// <summary>
/// Appends entries to a tiled log while touching only its right edge: reads the partial tile of
/// each level and the partial entry bundle of the current size, and returns the tiles and bundles
/// that the new size adds (the completed full ones and the new partial ones). O(entries + levels)
/// files per append, whatever the log's size.
/// </summary>
public static class LogAppender
{
    public static async Task<LogAppend> AppendAsync(
        string prefix,
        long size,
        IReadOnlyList<byte[]> entries,
        LogFileReader read,
        CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            throw new ArgumentException("nothing to append", nameof(entries));
        }

        var files = new List<LogFile>();

        // Entry bundles.
        var bundleIndex = size / TilePath.Width;
        var bundle = new List<byte[]>();
        if (size % TilePath.Width != 0)
        {
            var key = TilePath.Entries(prefix, bundleIndex, (int)(size % TilePath.Width));
            var bytes = await read(key, cancellationToken).ConfigureAwait(false)
                ?? throw new LogException($"{key}: missing (the log's right edge)");
            bundle.AddRange(EntryBundle.Decode(bytes));
            if (bundle.Count != size % TilePath.Width)
            {
                throw new LogException($"{key}: {bundle.Count} entries where its name says {size % TilePath.Width}");
            }
        }

        foreach (var entry in entries)
        {
            bundle.Add(entry);
            if (bundle.Count == TilePath.Width)
            {
                files.Add(
                    new LogFile(TilePath.Entries(prefix, bundleIndex, TilePath.Width), EntryBundle.Encode(bundle)));
                bundle.Clear();
                bundleIndex++;
            }
        }

        if (bundle.Count > 0)
        {
            files.Add(new LogFile(TilePath.Entries(prefix, bundleIndex, bundle.Count), EntryBundle.Encode(bundle)));
        }

        // Hash tiles, level by level: a completed tile's root is the next hash one level up.
        var pending = entries.Select(e => Merkle.LeafHash(e)).ToList();
        for (var level = 0; pending.Count > 0; level++)
        {
            var count = TilePath.HashesAtLevel(size, level);
            var tileIndex = count / TilePath.Width;
            var hashes = new List<byte[]>();
            if (count % TilePath.Width != 0)
            {
                var width = (int)(count % TilePath.Width);
                var key = TilePath.Hash(prefix, level, tileIndex, width);
                var bytes = await read(key, cancellationToken).ConfigureAwait(false)
                    ?? throw new LogException($"{key}: missing (the log's right edge)");
                if (bytes.Length != width * Merkle.HashSize)
                {
                    throw new LogException(
                        $"{key}: {bytes.Length} bytes, a tile of width {width} has {width * Merkle.HashSize}");
                }

                hashes.AddRange(bytes.Chunk(Merkle.HashSize));
            }

            var up = new List<byte[]>();
            var added = false;
            foreach (var hash in pending)
            {
                hashes.Add(hash);
                added = true;
                if (hashes.Count == TilePath.Width)
                {
                    files.Add(new LogFile(
                        TilePath.Hash(prefix, level, tileIndex, TilePath.Width),
                        [.. hashes.SelectMany(h => h)]));
                    up.Add(Merkle.RootOfLeafHashes(hashes, 0, hashes.Count));
                    hashes.Clear();
                    tileIndex++;
                    added = false;
                }
            }

            if (added)
            {
                files.Add(
                    new LogFile(TilePath.Hash(prefix, level, tileIndex, hashes.Count), [.. hashes.SelectMany(h => h)]));
            }

            pending = up;
        }

        var newSize = size + entries.Count;
        var written = files.ToDictionary(f => f.Key, f => f.Content, StringComparer.Ordinal);
        var tree = new TileReader(
            prefix,
            newSize,
            (key, ct) => written.TryGetValue(key, out var b) ? Task.FromResult<byte[]?>(b) : read(key, ct));
        var root = await tree.RootAsync(cancellationToken).ConfigureAwait(false);
        return new LogAppend(newSize, root, files);
    }
}
