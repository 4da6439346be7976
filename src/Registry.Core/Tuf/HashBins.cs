using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Registry.Core.Tuf;

/// <summary>
/// Hashed-bin delegation as TAP 15 (succinct roles) defines it: a target belongs to the bin
/// numbered by the first <c>bit_length</c> bits of SHA-256(target path); bin names are
/// <c>prefix-</c> followed by the bin number in lowercase hex, zero-padded to the width of
/// the largest number (256 bins: <c>bin-00</c> .. <c>bin-ff</c>).
/// </summary>
public sealed class HashBins
{
    public HashBins(int bitLength, string namePrefix)
    {
        if (bitLength is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(bitLength), "bit_length must be 1..32");
        }

        BitLength = bitLength;
        NamePrefix = namePrefix;
        Count = 1L << bitLength;
        SuffixLength = (Count - 1).ToString("x", CultureInfo.InvariantCulture).Length;
    }

    public HashBins(SuccinctRoles roles) : this(roles.BitLength, roles.NamePrefix) { }

    public int BitLength { get; }

    public string NamePrefix { get; }

    public long Count { get; }

    private int SuffixLength { get; }

    /// <summary>The bit length for a bin count, which must be a power of two between 2 and 2^20.</summary>
    public static int BitLengthFor(int binCount)
    {
        if (binCount < 2 || binCount > (1 << 20) || (binCount & (binCount - 1)) != 0)
        {
            throw new ValidationException(
                Rules.Bins,
                $"--bins {binCount}: the bin count must be a power of two from 2 to 1048576 (e.g. 256, 4096)");
        }

        return int.Log2(binCount);
    }

    /// <summary>Bytes of one index document's entry in its bin (path, length, sha256), measured from real
    /// files.</summary>
    public const int BinEntryBytes = 134;

    /// <summary>Bytes of one bin's entry in the snapshot (name and version), measured from real files.</summary>
    public const int SnapshotEntryBytes = 30;

    /// <summary>
    /// The bin count that keeps a publish smallest for a registry of <paramref name="packages"/>:
    /// a publish rewrites one bin (packages / bins entries of ~134 B) and the snapshot (bins
    /// entries of ~30 B), which together are smallest at bins = sqrt(packages x 134 / 30); the
    /// power of two (2 to 2^20) whose sum is lowest.
    /// </summary>
    public static int BestCountFor(long packages)
    {
        var best = 2;
        for (var count = 2; count <= 1 << 20; count *= 2)
        {
            if (PublishBytes(packages, count) < PublishBytes(packages, best))
            {
                best = count;
            }
        }

        return best;
    }

    /// <summary>
    /// Bytes of the bin and the snapshot one publish rewrites, by the model of <see cref="BestCountFor"/>;
    /// <paramref name="retired"/>: the bins of earlier counts the snapshot still lists after <c>registry rebin</c>.
    /// </summary>
    public static double PublishBytes(long packages, long bins, long retired = 0) =>
        ((double)Math.Max(packages, 0) / bins * BinEntryBytes) + ((double)(bins + retired) * SnapshotEntryBytes);

    public string NameOf(long bin)
    {
        var format = "x" + SuffixLength.ToString(CultureInfo.InvariantCulture);
        return $"{NamePrefix}-{bin.ToString(format, CultureInfo.InvariantCulture)}";
    }

    public string BinFor(string targetPath)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(targetPath), hash);
        var number = BinaryPrimitives.ReadUInt32BigEndian(hash) >> (32 - BitLength);
        return NameOf(number);
    }

    public IEnumerable<string> AllNames()
    {
        for (long i = 0; i < Count; i++)
        {
            yield return NameOf(i);
        }
    }

    /// <summary>
    /// A name this prefix gives a bin under some bin count (<c>bin-</c> and 1 to 8 lowercase hex
    /// digits): after <c>registry rebin</c>, the snapshot keeps listing the old count's bins.
    /// </summary>
    public bool IsAnyBinName(string roleName) =>
        roleName.StartsWith(NamePrefix + "-", StringComparison.Ordinal)
        && roleName.Length - NamePrefix.Length - 1 is >= 1 and <= 8
        && roleName.AsSpan(NamePrefix.Length + 1).ContainsAnyExcept("0123456789abcdef") is false;

    public bool IsBinName(string roleName)
    {
        if (!roleName.StartsWith(NamePrefix + "-", StringComparison.Ordinal))
        {
            return false;
        }

        var suffix = roleName[(NamePrefix.Length + 1)..];
        return suffix.Length == SuffixLength
            && long.TryParse(suffix, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var n)
            && n < Count
            && NameOf(n) == roleName;
    }
}
