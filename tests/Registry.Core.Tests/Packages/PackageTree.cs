using System.Formats.Tar;
using System.IO.Compression;

namespace Registry.Core.Tests.Packages;

/// <summary>
/// A package's tree as comparable text: path to "dir", "file HEX" or "link TARGET". Read either
/// from an archive (a plain TarReader walk, independent of the code under test: the oracle) or
/// from a folder on disk (never following links).
/// </summary>
internal static class PackageTree
{
    public static SortedDictionary<string, string> OfArchive(byte[] archive)
    {
        var tree = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var tar = new TarReader(new GZipStream(new MemoryStream(archive), CompressionMode.Decompress));
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }

            var path = Normalize(entry.Name);
            var segments = path.Split('/');
            for (var i = 1; i < segments.Length; i++)
            {
                tree[string.Join('/', segments[..i])] = "dir";
            }

            switch (entry.EntryType)
            {
                case TarEntryType.Directory when path.Length > 0:
                    tree[path] = "dir";
                    break;
                case TarEntryType.Directory:
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    using (var data = new MemoryStream())
                    {
                        entry.DataStream?.CopyTo(data);
                        tree[path] = "file " + Convert.ToHexString(data.ToArray());
                    }

                    break;
                case TarEntryType.HardLink:
                    // The target is looked up ignoring case, as the package rules compare paths.
                    tree[path] = tree.Single(
                        e => string.Equals(e.Key, Normalize(entry.LinkName), StringComparison.OrdinalIgnoreCase)).Value;
                    break;
                case TarEntryType.SymbolicLink:
                    tree[path] = "link " + entry.LinkName;
                    break;
                default:
                    throw new InvalidOperationException($"unexpected {entry.EntryType} in a valid package");
            }
        }

        return tree;
    }

    /// <summary>A .nupkg's tree, read with a plain ZipArchive walk (entries ending in '/' are directories).</summary>
    public static SortedDictionary<string, string> OfZip(byte[] archive)
    {
        var tree = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read);
        foreach (var entry in zip.Entries)
        {
            var path = Normalize(entry.FullName);
            var segments = path.Split('/');
            for (var i = 1; i < segments.Length; i++)
            {
                tree[string.Join('/', segments[..i])] = "dir";
            }

            using var data = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(data);
            }

            tree[path] = entry.FullName.EndsWith('/') ? "dir" : "file " + Convert.ToHexString(data.ToArray());
        }

        return tree;
    }

    public static SortedDictionary<string, string> OfFolder(string folder)
    {
        var tree = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(folder, "", tree);
        return tree;
    }

    private static void Walk(string folder, string prefix, SortedDictionary<string, string> tree)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(folder))
        {
            var relative = prefix + Path.GetFileName(path);
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target)
            {
                tree[relative] = "link " + target;
            }
            else if (Directory.Exists(path))
            {
                tree[relative] = "dir";
                Walk(path, relative + "/", tree);
            }
            else
            {
                tree[relative] = "file " + Convert.ToHexString(File.ReadAllBytes(path));
            }
        }
    }

    private static string Normalize(string name)
        => string.Join('/', name.Split('/').Where(s => s.Length > 0 && s != "."));
}
