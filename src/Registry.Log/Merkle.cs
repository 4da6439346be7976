using System.Security.Cryptography;

namespace Registry.Log;

/// <summary>
/// RFC 6962 (section 2.1) Merkle tree hashing, and verification of inclusion and consistency proofs
/// as RFC 9162 (sections 2.1.3.2 and 2.1.4.2) states the algorithms. Hashes are 32-byte SHA-256.
/// </summary>
public static class Merkle
{
    public const int HashSize = 32;

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData([]);

    /// <summary>The leaf hash of an entry: SHA-256(0x00 || entry).</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> entry)
    {
        var buffer = new byte[1 + entry.Length];
        entry.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    /// <summary>An interior node: SHA-256(0x01 || left || right).</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/> (n ≥ 2): RFC 6962's split point
    /// k.</summary>
    public static long SplitPoint(long n)
        => 1L << (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>The Merkle tree hash of consecutive leaf hashes (the reference definition, for small trees and
    /// tests).</summary>
    public static byte[] RootOfLeafHashes(IReadOnlyList<byte[]> leaves, int start, int end)
    {
        if (end - start == 0)
        {
            return EmptyRoot();
        }

        if (end - start == 1)
        {
            return leaves[start];
        }

        var k = (int)SplitPoint(end - start);
        return NodeHash(RootOfLeafHashes(leaves, start, start + k), RootOfLeafHashes(leaves, start + k, end));
    }

    /// <summary>Whether <paramref name="proof"/> proves that the leaf at <paramref name="index"/> is in the tree of
    /// <paramref name="size"/> with <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(
        ReadOnlySpan<byte> leafHash,
        long index,
        long size,
        IReadOnlyList<byte[]> proof,
        ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= size)
        {
            return false;
        }

        var fn = index;
        var sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0 || p.Length != HashSize)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>
    /// Whether <paramref name="proof"/> proves that the tree of <paramref name="oldSize"/> with
    /// <paramref name="oldRoot"/> is a prefix of the tree of <paramref name="newSize"/> with
    /// <paramref name="newRoot"/>. The empty tree is a prefix of every tree (with an empty proof); equal sizes need
    /// equal roots and an empty proof.
    /// </summary>
    public static bool VerifyConsistency(
        long oldSize,
        long newSize,
        IReadOnlyList<byte[]> proof,
        ReadOnlySpan<byte> oldRoot,
        ReadOnlySpan<byte> newRoot)
    {
        if (oldSize < 0 || oldSize > newSize)
        {
            return false;
        }

        if (oldSize == newSize)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(newRoot);
        }

        if (oldSize == 0)
        {
            return proof.Count == 0;
        }

        if (proof.Count == 0 || proof.Any(p => p.Length != HashSize))
        {
            return false;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if ((oldSize & (oldSize - 1)) == 0)
        {
            path.Add(oldRoot.ToArray());
        }

        path.AddRange(proof);
        var fn = oldSize - 1;
        var sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(oldRoot) && sr.AsSpan().SequenceEqual(newRoot);
    }
}
