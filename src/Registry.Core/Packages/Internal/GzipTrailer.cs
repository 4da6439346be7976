using System.Buffers.Binary;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// Checks the gzip trailer (CRC-32 and length of the uncompressed data) that GZipStream does not:
/// without it a package missing its last bytes reads as if whole. Packages are one gzip member
/// (what tar, npm pack and PackageBuilder write), so the last 8 bytes describe all the data.
/// </summary>
internal static class GzipTrailer
{
    private static readonly uint[] Table = BuildTable();

    public static bool Matches(ReadOnlySpan<byte> content, uint crc, long length) =>
        content.Length >= 18
        && BinaryPrimitives.ReadUInt32LittleEndian(content[^8..]) == crc
        && BinaryPrimitives.ReadUInt32LittleEndian(content[^4..]) == unchecked((uint)length);

    /// <summary>Continues a CRC-32 (ISO-HDLC, as gzip uses) over <paramref name="data"/>; start from 0.</summary>
    public static uint Crc32(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xff] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
