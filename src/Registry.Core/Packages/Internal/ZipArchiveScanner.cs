using System.IO.Compression;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// Reads a zip (.nupkg) once, in memory, checking every entry's path, type and data and every limit
/// as it goes, and returns the root <c>.nuspec</c>. The zip twin of <see cref="TarArchiveScanner"/>:
/// the same path rules (<see cref="ArchivePath"/>), duplicate rules (<see cref="ArchiveTree"/>) and
/// limits (<see cref="ArchiveBudget"/>); extraction calls it again with an <see cref="IArchiveSink"/>.
/// No size a zip header claims is trusted: each entry is read through a stream capped at its declared
/// length and its bytes must then match that length and CRC-32.
/// </summary>
internal static class ZipArchiveScanner
{
    public const string NuspecExtension = ".nuspec";

    // The unix mode some zip tools store in the high 16 bits of the external attributes.
    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;
    private const int DirectoryType = 0x4000;
    private const int SymlinkType = 0xA000;

    /// <summary>The root .nuspec: its normalised path and bytes.</summary>
    public static (string Path, byte[] Bytes) ReadNuspec(
        ReadOnlyMemory<byte> content,
        string fileName,
        PackageLimits limits,
        IArchiveSink? sink = null)
    {
        var budget = new ArchiveBudget(content, fileName, limits);
        ZipDirectory.CheckEntryCount(content.Span, fileName, limits);
        try
        {
            using var archive = new ZipArchive(ContentStream.Open(content), ZipArchiveMode.Read);
            return Scan(archive, fileName, budget, sink);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException
            or OverflowException or NotSupportedException or IOException)
        {
            throw Reject.Because(
                fileName,
                Rules.ArchiveReadable,
                $"is not a readable zip ({e.Message.TrimEnd('.')})",
                "rebuild the package; the file may be truncated or corrupt");
        }
    }

    private static (string Path, byte[] Bytes) Scan(
        ZipArchive archive,
        string fileName,
        ArchiveBudget budget,
        IArchiveSink? sink)
    {
        var tree = new ArchiveTree(fileName);
        (string Path, byte[] Bytes)? nuspec = null;
        foreach (var entry in archive.Entries)
        {
            budget.CountEntry();
            var raw = entry.FullName;
            var path = ArchivePath.Normalize(raw, fileName);
            CheckEntry(entry, fileName);
            if (raw.EndsWith('/'))
            {
                tree.AddDirectory(path, raw);
                Read(entry, fileName, budget, null, null);
                sink?.Directory(path);
                continue;
            }

            tree.AddFile(path, raw);
            var isNuspec = !path.Contains('/', StringComparison.Ordinal)
                && path.EndsWith(NuspecExtension, StringComparison.OrdinalIgnoreCase);
            if (isNuspec && nuspec is { } first)
            {
                throw Reject.Because(
                    fileName,
                    Rules.NupkgNuspec,
                    $"has two {NuspecExtension} files at its root, {Reject.Quote(first.Path)} and {Reject.Quote(path)}",
                    "keep exactly one: the package's ID.nuspec");
            }

            using var output = sink?.File(path, (UnixFileMode)((entry.ExternalAttributes >> 16) & 0x1FF));
            var bytes = Read(entry, fileName, budget, isNuspec ? path : null, output);
            nuspec = bytes is null ? nuspec : (path, bytes);
        }

        tree.CheckComplete();
        sink?.Complete();
        return nuspec ?? throw Reject.Because(
            fileName,
            Rules.ManifestMissing,
            $"has no {NuspecExtension} file at the archive root",
            "build the package with dotnet pack or nuget pack, which write ID.nuspec at the root");
    }

    // What a zip entry may be: a plain file or directory, readable without a password, and safe
    // by name also once %-decoded (NuGet clients decode entry names, as OPC packages escape them).
    private static void CheckEntry(ZipArchiveEntry entry, string fileName)
    {
        var raw = entry.FullName;
        var decoded = Uri.UnescapeDataString(raw);
        if (decoded != raw && ArchivePath.Problem(decoded) is { } problem)
        {
            throw Reject.Because(fileName, Rules.ArchivePath, $"entry {Reject.Quote(raw)} reads "
                + $"{Reject.Quote(decoded)} once %-decoded (as NuGet clients do), which {problem}", "entries must be "
                    + "relative paths inside the archive");
        }

        if (entry.IsEncrypted)
        {
            throw Reject.Because(
                fileName,
                Rules.ArchiveReadable,
                $"entry {Reject.Quote(raw)} is encrypted",
                "publish the package without zip encryption");
        }

        switch ((entry.ExternalAttributes >> 16) & TypeMask)
        {
            case SymlinkType:
                throw Reject.Because(
                    fileName,
                    Rules.ArchiveLink,
                    $"entry {Reject.Quote(raw)} is a symbolic link",
                    "a .nupkg holds only files and directories; store the file itself");
            case 0 or RegularType or DirectoryType:
                break;
            default:
                throw Reject.Because(fileName, Rules.ArchiveEntryType, $"entry {Reject.Quote(raw)} is a special file "
                    + $"(unix mode {(entry.ExternalAttributes >> 16) & 0xFFFF:x4})", "a .nupkg holds only files and "
                        + "directories");
        }
    }

    // Reads an entry through a stream capped at its declared length; the bytes must then be exactly
    // that length with the declared CRC-32 (what a truncated or forged entry would not be).
    private static byte[]? Read(
        ZipArchiveEntry entry,
        string fileName,
        ArchiveBudget budget,
        string? manifestName,
        Stream? output)
    {
        using var data = entry.Open();
        using var capped = new CappedReadStream(data, entry.Length, () => Corrupt(entry, fileName));
        var bytes = budget.Copy(capped, entry.Length, manifestName, output);
        if (capped.BytesRead != entry.Length || capped.Crc32 != entry.Crc32)
        {
            throw Corrupt(entry, fileName);
        }

        if (entry.FullName.EndsWith('/') && entry.Length != 0)
        {
            throw Reject.Because(
                fileName,
                Rules.ArchiveEntryType,
                $"entry {Reject.Quote(entry.FullName)} is a directory with data",
                "a directory entry must be empty");
        }

        return bytes;
    }

    private static ValidationException Corrupt(ZipArchiveEntry entry, string fileName) =>
        Reject.Because(
            fileName,
            Rules.ArchiveReadable,
            $"entry {Reject.Quote(entry.FullName)} does not match the length or CRC-32 its header gives",
            "rebuild the package; the file may be truncated, corrupt or forged");
}
