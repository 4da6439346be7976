using System.Buffers.Binary;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// Counts a zip's central directory records before <see cref="System.IO.Compression.ZipArchive"/>
/// reads them: ZipArchive builds an object for every record up front, so a 64 MiB file of tiny
/// records would cost over a million objects before any limit could apply. The walk starts where
/// ZipArchive starts (the end record's directory offset, or the zip64 one) and stops one record past
/// <see cref="PackageLimits.MaxEntries"/>; the count the end record declares must be within it too.
/// </summary>
internal static class ZipDirectory
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint EntrySignature = 0x02014b50;
    private const int EndLength = 22;
    private const int EntryLength = 46;

    public static void CheckEntryCount(ReadOnlySpan<byte> zip, string fileName, PackageLimits limits)
    {
        var end = FindEnd(zip) ?? throw Reject.Because(
            fileName,
            Rules.ArchiveReadable,
            "is not a zip archive (no end of central directory record)",
            "build the package with dotnet pack or nuget pack");
        ulong declared = BinaryPrimitives.ReadUInt16LittleEndian(zip[(end + 10)..]);
        ulong offset = BinaryPrimitives.ReadUInt32LittleEndian(zip[(end + 16)..]);
        if ((declared == ushort.MaxValue || offset == uint.MaxValue) && Zip64End(zip, end) is { } zip64)
        {
            declared = BinaryPrimitives.ReadUInt64LittleEndian(zip[(zip64 + 32)..]);
            offset = BinaryPrimitives.ReadUInt64LittleEndian(zip[(zip64 + 48)..]);
        }

        if (declared > (ulong)limits.MaxEntries)
        {
            throw ArchiveBudget.TooManyEntries(fileName, limits);
        }

        var count = 0;
        for (var at = offset; Fits(zip, at, EntryLength) && Read32(zip, (int)at) == EntrySignature;)
        {
            if (++count > limits.MaxEntries)
            {
                throw ArchiveBudget.TooManyEntries(fileName, limits);
            }

            var position = (int)at;
            at += EntryLength + (ulong)BinaryPrimitives.ReadUInt16LittleEndian(zip[(position + 28)..])
                + BinaryPrimitives.ReadUInt16LittleEndian(zip[(position + 30)..])
                + BinaryPrimitives.ReadUInt16LittleEndian(zip[(position + 32)..]);
        }
    }

    // The last end record, as ZipArchive looks for it: backwards from the end, over at most a 64 KiB comment.
    private static int? FindEnd(ReadOnlySpan<byte> zip)
    {
        for (var at = zip.Length - EndLength; at >= 0 && at >= zip.Length - EndLength - ushort.MaxValue; at--)
        {
            if (Read32(zip, at) == EndSignature)
            {
                return at;
            }
        }

        return null;
    }

    private static int? Zip64End(ReadOnlySpan<byte> zip, int end)
    {
        var locator = end - 20;
        if (locator < 0 || Read32(zip, locator) != Zip64LocatorSignature)
        {
            return null;
        }

        var offset = BinaryPrimitives.ReadUInt64LittleEndian(zip[(locator + 8)..]);
        return Fits(zip, offset, 56) && Read32(zip, (int)offset) == Zip64EndSignature ? (int)offset : null;
    }

    private static bool Fits(ReadOnlySpan<byte> zip, ulong at, int length)
        => at <= (ulong)zip.Length && (ulong)zip.Length - at >= (ulong)length;

    private static uint Read32(ReadOnlySpan<byte> zip, int at) => BinaryPrimitives.ReadUInt32LittleEndian(zip[at..]);
}
