using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// Reads a gzip tar once, in memory, checking every entry's path, type and link and every limit as
/// it goes (stopping at the first one passed), and returns the bytes of <c>registry.json</c>.
/// The one reader of package archives: publish calls it to validate, and extraction calls it again
/// with an <see cref="IArchiveSink"/> (after a validating pass) so both see the same entries under
/// the same normalised paths.
/// </summary>
internal static class TarArchiveScanner
{
    public const string ManifestName = "registry.json";

    // Room for tar's own bytes (headers, PAX records, padding) on top of the file data.
    private const long HeaderAllowancePerEntry = 4096;
    private const long HeaderAllowanceFixed = 64 * 1024;

    public static byte[] ReadManifest(ReadOnlyMemory<byte> content, string fileName, PackageLimits limits, IArchiveSink? sink = null)
    {
        var compressed = content.Length;
        if (compressed > limits.MaxCompressedBytes)
        {
            throw Reject.Because(fileName, PackageRules.LimitCompressedSize, $"is {compressed} bytes, more than the limit of {limits.MaxCompressedBytes}", "make the package smaller");
        }

        if (compressed < 2 || content.Span[0] != 0x1f || content.Span[1] != 0x8b)
        {
            throw Reject.Because(fileName, PackageRules.ArchiveReadable, "is not gzip-compressed", "build the package as a gzip-compressed tar (.tgz)");
        }

        var cap = limits.MaxUnpackedBytes + HeaderAllowanceFixed + (HeaderAllowancePerEntry * ((long)limits.MaxEntries + 2));
        using var input = MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var capped = new CappedReadStream(gzip, cap, () => Reject.Because(fileName, PackageRules.LimitUnpackedSize, $"unpacks to more than {cap} bytes of tar data", $"keep the unpacked package under {limits.MaxUnpackedBytes} bytes"));
        try
        {
            var manifest = Scan(capped, fileName, limits, compressed, sink);

            // Read to the end so a truncated or corrupt gzip tail is caught too (bounded by the cap).
            capped.CopyTo(Stream.Null);
            if (!GzipTrailer.Matches(content.Span, capped.Crc32, capped.BytesRead))
            {
                throw Reject.Because(fileName, PackageRules.ArchiveReadable, "has a gzip checksum or length that does not match its data (truncated, corrupt, or several gzip members)", "rebuild the package as a single gzip stream");
            }

            return manifest;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or OverflowException or NotSupportedException or IOException)
        {
            throw Reject.Because(fileName, PackageRules.ArchiveReadable, $"is not a readable gzip tar ({e.Message.TrimEnd('.')})", "rebuild the package; the file may be truncated or corrupt");
        }
    }

    private static byte[] Scan(Stream tarStream, string fileName, PackageLimits limits, long compressed, IArchiveSink? sink)
    {
        using var reader = new TarReader(tarStream, leaveOpen: true);
        var tree = new ArchiveTree(fileName);
        var buffer = new byte[81920];
        byte[]? manifest = null;
        long unpacked = 0;
        var entries = 0;
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            if (++entries > limits.MaxEntries)
            {
                throw Reject.Because(fileName, PackageRules.LimitEntries, $"has more than {limits.MaxEntries} entries", "package fewer files");
            }

            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
            {
                continue; // archive-wide PAX metadata: no path, no data
            }

            var path = ArchivePath.Normalize(entry.Name, fileName);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    tree.AddDirectory(path, entry.Name);
                    sink?.Directory(path);
                    continue;
                case TarEntryType.SymbolicLink:
                    tree.AddSymlink(path, entry.Name, entry.LinkName);
                    sink?.SymbolicLink(path, entry.LinkName);
                    continue;
                case TarEntryType.HardLink:
                    var target = tree.AddHardLink(path, entry.Name, entry.LinkName);
                    sink?.HardLink(path, target);
                    continue;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    tree.AddFile(path, entry.Name);
                    break;
                default:
                    throw Reject.Because(fileName, PackageRules.ArchiveEntryType, $"entry {Reject.Quote(entry.Name)} is a {entry.EntryType} entry", "packages may hold only files, directories and links");
            }

            // The header's size is a hint for an early refusal; the bytes actually read are what count.
            if (entry.Length > limits.MaxUnpackedBytes - unpacked)
            {
                throw UnpackedTooLarge(fileName, limits);
            }

            var isManifest = path == ManifestName;
            if (isManifest && entry.Length > limits.MaxManifestBytes)
            {
                throw ManifestTooLarge(fileName, limits);
            }

            using var manifestBytes = isManifest ? new MemoryStream() : null;
            using var output = sink?.File(path, entry.Mode);
            var data = entry.DataStream ?? Stream.Null;
            int read;
            while ((read = data.Read(buffer)) > 0)
            {
                unpacked += read;
                if (unpacked > limits.MaxUnpackedBytes)
                {
                    throw UnpackedTooLarge(fileName, limits);
                }

                if (unpacked > limits.RatioFloorBytes && unpacked > (long)limits.MaxCompressionRatio * compressed)
                {
                    throw Reject.Because(fileName, PackageRules.LimitRatio, $"unpacks to more than {limits.MaxCompressionRatio} times its compressed size", "do not ship highly compressible filler; this looks like a compression bomb");
                }

                manifestBytes?.Write(buffer, 0, read);
                output?.Write(buffer, 0, read);
                if (manifestBytes?.Length > limits.MaxManifestBytes)
                {
                    throw ManifestTooLarge(fileName, limits);
                }
            }

            manifest = manifestBytes?.ToArray() ?? manifest;
        }

        tree.CheckComplete();
        sink?.Complete();
        return manifest ?? throw Reject.Because(fileName, PackageRules.ManifestMissing, $"has no {ManifestName} at the archive root", $"add a {ManifestName} with at least \"name\" and \"version\"");
    }

    private static ValidationException UnpackedTooLarge(string fileName, PackageLimits limits) =>
        Reject.Because(fileName, PackageRules.LimitUnpackedSize, $"unpacks to more than {limits.MaxUnpackedBytes} bytes", "make the package smaller");

    private static ValidationException ManifestTooLarge(string fileName, PackageLimits limits) =>
        Reject.Because(fileName, PackageRules.LimitManifestSize, $"has a {ManifestName} larger than {limits.MaxManifestBytes} bytes", "keep the manifest to metadata; put content in other files");
}
