using System.Formats.Tar;
using System.IO.Compression;

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

    public static byte[] ReadManifest(
        ReadOnlyMemory<byte> content,
        string fileName,
        PackageLimits limits,
        IArchiveSink? sink = null)
    {
        var budget = new ArchiveBudget(content, fileName, limits);
        if (content.Length < 2 || content.Span[0] != 0x1f || content.Span[1] != 0x8b)
        {
            throw Reject.Because(
                fileName,
                Rules.ArchiveReadable,
                "is not gzip-compressed",
                "build the package as a gzip-compressed tar (.tgz)");
        }

        var cap = limits.MaxUnpackedBytes + HeaderAllowanceFixed
            + (HeaderAllowancePerEntry * ((long)limits.MaxEntries + 2));
        using var input = ContentStream.Open(content);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var capped = new CappedReadStream(gzip, cap, () => Reject.Because(
            fileName,
            Rules.LimitUnpackedSize,
            $"unpacks to more than {cap} bytes of tar data",
            $"keep the unpacked package under {limits.MaxUnpackedBytes} bytes" + limits.OrRaise(s => s.UnpackedBytes)));
        try
        {
            var manifest = Scan(capped, fileName, budget, sink);

            // Read to the end so a truncated or corrupt gzip tail is caught too (bounded by the cap).
            capped.CopyTo(Stream.Null);
            if (!GzipTrailer.Matches(content.Span, capped.Crc32, capped.BytesRead))
            {
                throw Reject.Because(fileName, Rules.ArchiveReadable, "has a gzip checksum or length that does not "
                    + "match its data (truncated, corrupt, or several gzip members)", "rebuild the package as a single "
                        + "gzip stream");
            }

            return manifest;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException
            or ArgumentException or OverflowException or NotSupportedException or IOException)
        {
            throw Reject.Because(
                fileName,
                Rules.ArchiveReadable,
                $"is not a readable gzip tar ({e.Message.TrimEnd('.')})",
                "rebuild the package; the file may be truncated or corrupt");
        }
    }

    private static byte[] Scan(Stream tarStream, string fileName, ArchiveBudget budget, IArchiveSink? sink)
    {
        using var reader = new TarReader(tarStream, leaveOpen: true);
        var tree = new ArchiveTree(fileName);
        byte[]? manifest = null;
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            budget.CountEntry();

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
                    throw Reject.Because(
                        fileName,
                        Rules.ArchiveEntryType,
                        $"entry {Reject.Quote(entry.Name)} is a {entry.EntryType} entry",
                        "packages may hold only files, directories and links");
            }

            using var output = sink?.File(path, entry.Mode);
            manifest = budget.Copy(
                entry.DataStream ?? Stream.Null,
                entry.Length,
                path == ManifestName ? ManifestName : null,
                output) ?? manifest;
        }

        tree.CheckComplete();
        sink?.Complete();
        return manifest ?? throw Reject.Because(
            fileName,
            Rules.ManifestMissing,
            $"has no {ManifestName} at the archive root",
            $"add a {ManifestName} with at least \"name\" and \"version\"");
    }
}
