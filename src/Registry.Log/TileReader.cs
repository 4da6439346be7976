namespace Registry.Log;

/// <summary>Reads log files by key (a store, an HTTP prefix); null when the file is missing.</summary>
public delegate Task<byte[]?> LogFileReader(string key, CancellationToken cancellationToken);

/// <summary>
/// The hashes of a tree of a known size, read from its tiles: the root, any aligned subtree, and
/// RFC 6962 inclusion and consistency proofs. Tiles are read once each and checked for length;
/// their content is trusted only through the proofs, which the caller verifies against a signed
/// checkpoint (a tampered tile makes a proof fail). Counts the reads (for the request budget).
/// </summary>
public sealed class TileReader(string prefix, long size, LogFileReader read)
{
    private readonly Dictionary<string, byte[]> _tiles = new(StringComparer.Ordinal);

    // A partial tile deleted once its full tile existed is read from the full one (PartialFallback).
    private readonly LogFileReader _read = PartialFallback.Wrap(read);

    public long Size => size;

    /// <summary>Tile files read so far, and their bytes.</summary>
    public int Reads { get; private set; }

    public long BytesRead { get; private set; }

    /// <summary>The root hash of the tree of <see cref="Size"/> leaves.</summary>
    public Task<byte[]> RootAsync(CancellationToken cancellationToken) => RangeAsync(0, size, cancellationToken);

    /// <summary>The leaf hash of entry <paramref name="index"/>.</summary>
    public Task<byte[]> LeafHashAsync(long index, CancellationToken cancellationToken)
        => SubtreeAsync(0, index, cancellationToken);

    /// <summary>The RFC 6962 audit path of leaf <paramref name="index"/> in this tree, leaf to root.</summary>
    public async Task<List<byte[]>> InclusionProofAsync(long index, CancellationToken cancellationToken)
    {
        if (index < 0 || index >= size)
        {
            throw new LogException($"entry {index} is not in a tree of size {size}");
        }

        var proof = new List<byte[]>();
        await PathAsync(index, 0, size, proof, cancellationToken).ConfigureAwait(false);
        return proof;
    }

    /// <summary>The RFC 6962 consistency proof from the tree of <paramref name="oldSize"/> to this tree (empty for 0 or
    /// equal sizes).</summary>
    public async Task<List<byte[]>> ConsistencyProofAsync(long oldSize, CancellationToken cancellationToken)
    {
        if (oldSize < 0 || oldSize > size)
        {
            throw new LogException($"a tree of size {oldSize} cannot be a prefix of a tree of size {size}");
        }

        var proof = new List<byte[]>();
        if (oldSize > 0 && oldSize < size)
        {
            await SubproofAsync(oldSize, 0, size, true, proof, cancellationToken).ConfigureAwait(false);
        }

        return proof;
    }

    // PATH(m, D[start:end]) of RFC 6962 section 2.1.1, appending leaf to root.
    private async Task PathAsync(long m, long start, long end, List<byte[]> proof, CancellationToken cancellationToken)
    {
        if (end - start <= 1)
        {
            return;
        }

        var k = Merkle.SplitPoint(end - start);
        if (m < k)
        {
            await PathAsync(m, start, start + k, proof, cancellationToken).ConfigureAwait(false);
            proof.Add(await RangeAsync(start + k, end, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            await PathAsync(m - k, start + k, end, proof, cancellationToken).ConfigureAwait(false);
            proof.Add(await RangeAsync(start, start + k, cancellationToken).ConfigureAwait(false));
        }
    }

    // SUBPROOF(m, D[start:end], b) of RFC 6962 section 2.1.2.
    private async Task SubproofAsync(
        long m,
        long start,
        long end,
        bool whole,
        List<byte[]> proof,
        CancellationToken cancellationToken)
    {
        var n = end - start;
        if (m == n)
        {
            if (!whole)
            {
                proof.Add(await RangeAsync(start, end, cancellationToken).ConfigureAwait(false));
            }

            return;
        }

        var k = Merkle.SplitPoint(n);
        if (m <= k)
        {
            await SubproofAsync(m, start, start + k, whole, proof, cancellationToken).ConfigureAwait(false);
            proof.Add(await RangeAsync(start + k, end, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            await SubproofAsync(m - k, start + k, end, false, proof, cancellationToken).ConfigureAwait(false);
            proof.Add(await RangeAsync(start, start + k, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>MTH(D[start:end]) for the ranges RFC 6962's recursion produces (start aligned to the split).</summary>
    private async Task<byte[]> RangeAsync(long start, long end, CancellationToken cancellationToken)
    {
        var n = end - start;
        if (n == 0)
        {
            return Merkle.EmptyRoot();
        }

        if ((n & (n - 1)) == 0 && start % n == 0)
        {
            var height = System.Numerics.BitOperations.Log2((ulong)n);
            return await SubtreeAsync(height, start >> height, cancellationToken).ConfigureAwait(false);
        }

        var k = Merkle.SplitPoint(n);
        var left = await RangeAsync(start, start + k, cancellationToken).ConfigureAwait(false);
        var right = await RangeAsync(start + k, end, cancellationToken).ConfigureAwait(false);
        return Merkle.NodeHash(left, right);
    }

    /// <summary>The root of the complete subtree of 2^height leaves starting at leaf index * 2^height.</summary>
    private async Task<byte[]> SubtreeAsync(int height, long index, CancellationToken cancellationToken)
    {
        var level = height / TilePath.Height;
        var within = height % TilePath.Height;
        var first = index << within;
        var count = 1 << within;
        var tileIndex = first / TilePath.Width;
        var tile = await TileAsync(level, tileIndex, cancellationToken).ConfigureAwait(false);
        var offset = (int)(first - (tileIndex * TilePath.Width));
        if ((offset + count) * Merkle.HashSize > tile.Length)
        {
            throw new LogException(
                $"tile {level}/{tileIndex} of the tree of size {size} is too short for hash {first}");
        }

        var hashes = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            hashes.Add(tile.AsSpan((offset + i) * Merkle.HashSize, Merkle.HashSize).ToArray());
        }

        return Merkle.RootOfLeafHashes(hashes, 0, count);
    }

    private async Task<byte[]> TileAsync(int level, long index, CancellationToken cancellationToken)
    {
        var width = TilePath.WidthOf(index, TilePath.HashesAtLevel(size, level));
        var key = TilePath.Hash(prefix, level, index, width);
        if (_tiles.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var bytes = await _read(key, cancellationToken).ConfigureAwait(false)
            ?? throw new LogException($"{key}: missing (the tree of size {size} needs it)");
        Reads++;
        BytesRead += bytes.Length;
        if (bytes.Length != width * Merkle.HashSize)
        {
            throw new LogException($"{key}: {bytes.Length} bytes, a tile of width {width} has "
                + $"{width * Merkle.HashSize} (truncated or padded)");
        }

        _tiles[key] = bytes;
        return bytes;
    }
}
