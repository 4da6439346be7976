using System.Formats.Tar;
using System.IO.Compression;

namespace Registry.Core.Packages.Internal;

/// <summary>
/// Walks a gzip tar in memory and enforces the archive rules before anything uses it: no
/// entry escapes the root (absolute paths, <c>..</c>, backslashes, drive letters, NUL), links
/// stay inside the root, no devices or fifos, no duplicate paths, and the limits on entry
/// count, unpacked bytes (counted as read, not taken from headers) and compression ratio.
/// Returns the regular files' contents up to the manifest size limit for the manifest only.
/// </summary>
internal static class SafeTarReader
{
    public static byte[]? ReadManifest(ReadOnlyMemory<byte> archive, string file, PackageLimits limits, string manifestName)
    {
        byte[]? manifest = null;
        long unpacked = 0;
        var entries = 0;
        var paths = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var compressed = new MemoryStream(archive.ToArray(), writable: false);
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            using var tar = new TarReader(gzip, leaveOpen: false);
            while (tar.GetNextEntry(copyData: false) is { } entry)
            {
                if (++entries > limits.MaxEntries)
                {
                    throw new ValidationException("limit-entries", $"{file}: more than {limits.MaxEntries} entries; a package may hold at most {limits.MaxEntries} (--max-entries)");
                }

                var path = CheckPath(entry.Name, file);
                CheckType(entry, path, file);
                if (entry.EntryType is TarEntryType.Directory)
                {
                    continue;
                }

                if (!paths.Add(path))
                {
                    throw new ValidationException("archive-duplicate", $"{file}: entry '{path}' appears twice; each path may appear once");
                }

                if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
                {
                    CheckLink(entry, path, file);
                    continue;
                }

                var isManifest = path == manifestName;
                using var data = new MemoryStream();
                if (entry.DataStream is { } stream)
                {
                    var buffer = new byte[81920];
                    int read;
                    while ((read = stream.Read(buffer)) > 0)
                    {
                        unpacked += read;
                        CheckSize(unpacked, archive.Length, file, limits);
                        if (isManifest)
                        {
                            if (data.Length + read > limits.MaxManifestBytes)
                            {
                                throw new ValidationException("limit-manifest-size", $"{file}: {manifestName} is larger than {limits.MaxManifestBytes} bytes");
                            }

                            data.Write(buffer, 0, read);
                        }
                    }
                }

                if (isManifest)
                {
                    manifest = data.ToArray();
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException or IOException or ArgumentException)
        {
            throw new ValidationException("archive-readable", $"{file}: not a readable gzip-compressed tar archive ({e.Message}); build it with 'tar -czf'");
        }

        return manifest;
    }

    private static void CheckSize(long unpacked, long compressed, string file, PackageLimits limits)
    {
        if (unpacked > limits.MaxUnpackedBytes)
        {
            throw new ValidationException("limit-unpacked-size", $"{file}: unpacks to more than {limits.MaxUnpackedBytes} bytes (--max-unpacked-bytes)");
        }

        if (unpacked > limits.RatioFloorBytes && unpacked > (long)limits.MaxCompressionRatio * Math.Max(1, compressed))
        {
            throw new ValidationException("limit-ratio", $"{file}: unpacks to more than {limits.MaxCompressionRatio} times its compressed size (a compression bomb?); see --max-compression-ratio");
        }
    }

    /// <summary>The entry path normalised (no leading "./", no trailing "/"), or a refusal.</summary>
    private static string CheckPath(string name, string file)
    {
        if (name.Contains('\0', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal)
            || name.StartsWith('/') || (name.Length >= 2 && name[1] == ':'))
        {
            throw new ValidationException("archive-path", $"{file}: entry '{Printable(name)}' is not a relative path inside the archive; entries must be relative paths with '/' separators");
        }

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Contains(".."))
        {
            throw new ValidationException("archive-path", $"{file}: entry '{Printable(name)}' escapes the package root; entries must be relative paths inside the archive");
        }

        return string.Join('/', segments);
    }

    private static void CheckType(TarEntry entry, string path, string file)
    {
        switch (entry.EntryType)
        {
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile or TarEntryType.Directory
                or TarEntryType.SymbolicLink or TarEntryType.HardLink:
                return;
            default:
                throw new ValidationException("archive-entry-type", $"{file}: entry '{path}' is a {entry.EntryType}; packages may hold only files, directories and links inside the package");
        }
    }

    private static void CheckLink(TarEntry entry, string path, string file)
    {
        var target = entry.LinkName;
        if (string.IsNullOrEmpty(target) || target.StartsWith('/') || target.Contains('\\', StringComparison.Ordinal) || target.Contains('\0', StringComparison.Ordinal))
        {
            throw new ValidationException("archive-link", $"{file}: link '{path}' points to '{Printable(target)}', outside the package; links must point inside it");
        }

        // Symbolic links resolve from the link's folder, hard links from the archive root.
        var start = entry.EntryType == TarEntryType.SymbolicLink ? path.Split('/')[..^1].ToList() : [];
        foreach (var segment in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == "..")
            {
                if (start.Count == 0)
                {
                    throw new ValidationException("archive-link", $"{file}: link '{path}' points to '{target}', outside the package; links must point inside it");
                }

                start.RemoveAt(start.Count - 1);
            }
            else if (segment != ".")
            {
                start.Add(segment);
            }
        }
    }

    private static string Printable(string? text) =>
        string.Concat((text ?? "").Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
}
