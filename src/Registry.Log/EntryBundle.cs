using System.Buffers.Binary;

namespace Registry.Log;

/// <summary>A C2SP tlog-tiles entry bundle: a sequence of big-endian uint16 length-prefixed entries.</summary>
public static class EntryBundle
{
    public const int MaxEntryBytes = ushort.MaxValue;

    public static byte[] Encode(IEnumerable<byte[]> entries)
    {
        using var buffer = new MemoryStream();
        Span<byte> length = stackalloc byte[2];
        foreach (var entry in entries)
        {
            if (entry.Length > MaxEntryBytes)
            {
                throw new LogException(
                    $"a log entry of {entry.Length} bytes is over the tlog-tiles limit of {MaxEntryBytes}");
            }

            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)entry.Length);
            buffer.Write(length);
            buffer.Write(entry);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// The <paramref name="width"/> entries of bundle <paramref name="index"/>, read through <paramref name="read"/>:
    /// a partial bundle that the log deleted once the full one existed (tlog-tiles allows it) is read as
    /// the full bundle's first entries. Refuses a missing, truncated or short bundle.
    /// </summary>
    public static async Task<List<byte[]>> ReadAsync(
        string prefix,
        long index,
        int width,
        LogFileReader read,
        CancellationToken cancellationToken)
    {
        var key = TilePath.Entries(prefix, index, width);
        var bytes = await PartialFallback.Wrap(read)(key, cancellationToken).ConfigureAwait(false)
            ?? throw new LogException($"{key}: missing");
        var entries = Decode(bytes);
        return entries.Count == width
            ? entries
            : throw new LogException($"{key}: {entries.Count} entries, its name says {width}");
    }

    /// <summary>The entries of a bundle, refusing one that is truncated or has trailing bytes.</summary>
    public static List<byte[]> Decode(ReadOnlySpan<byte> bundle)
    {
        var entries = new List<byte[]>();
        while (bundle.Length > 0)
        {
            if (bundle.Length < 2)
            {
                throw new LogException("an entry bundle ends inside a length prefix (truncated)");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(bundle);
            if (bundle.Length < 2 + length)
            {
                throw new LogException("an entry bundle ends inside an entry (truncated)");
            }

            entries.Add(bundle.Slice(2, length).ToArray());
            bundle = bundle[(2 + length)..];
        }

        return entries;
    }
}
