using System.Formats.Tar;
using System.IO.Compression;

namespace Registry.Core.Packages;

/// <summary>
/// Extracts a package archive into a folder, refusing anything that would write outside it
/// (the archive was verified by hash, and checked at publish, but extraction is guarded
/// anyway). The package appears whole: it is extracted beside the target and renamed into place.
/// </summary>
public static class PackageExtractor
{
    public static void Extract(byte[] archive, string targetDirectory, string what)
    {
        var target = Path.GetFullPath(targetDirectory);
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            using (var gzip = new GZipStream(new MemoryStream(archive, writable: false), CompressionMode.Decompress))
            using (var tar = new TarReader(gzip))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    var relative = entry.Name.Replace('\\', '/').TrimStart('.').TrimStart('/');
                    if (relative.Length == 0)
                    {
                        continue;
                    }

                    var destination = Path.GetFullPath(Path.Combine(staging, relative));
                    if (!destination.StartsWith(staging + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.Split('/').Contains(".."))
                    {
                        throw new VerificationException($"{what}: entry '{entry.Name}' would be written outside the package folder; refused");
                    }

                    switch (entry.EntryType)
                    {
                        case TarEntryType.Directory:
                            Directory.CreateDirectory(destination);
                            break;
                        case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                            entry.ExtractToFile(destination, overwrite: false);
                            break;
                        case TarEntryType.SymbolicLink:
                            var linkTarget = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(destination)!, entry.LinkName));
                            if (Path.IsPathRooted(entry.LinkName) || !linkTarget.StartsWith(staging + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                            {
                                throw new VerificationException($"{what}: link '{entry.Name}' points outside the package folder; refused");
                            }

                            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                            File.CreateSymbolicLink(destination, entry.LinkName);
                            break;
                        default:
                            throw new VerificationException($"{what}: entry '{entry.Name}' is a {entry.EntryType}; only files, directories and links are extracted");
                    }
                }
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Directory.Move(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
    }
}
