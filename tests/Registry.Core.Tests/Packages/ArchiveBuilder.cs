using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Registry.Core.Tests.Packages;

/// <summary>Builds (possibly malicious) package archives in memory, deterministically.</summary>
internal sealed class ArchiveBuilder
{
    private readonly List<TarEntry> _entries = [];

    public static ArchiveBuilder Package(string name = "alpha", string version = "1.0.0", string extraManifest = "") =>
        new ArchiveBuilder().File("registry.json", $"{{\"name\":\"{name}\",\"version\":\"{version}\"{extraManifest}}}");

    public static ArchiveBuilder Manifest(string json) => new ArchiveBuilder().File("registry.json", json);

    public ArchiveBuilder File(string path, string content) => File(path, Encoding.UTF8.GetBytes(content));

    public ArchiveBuilder File(string path, byte[] content)
    {
        _entries.Add(new PaxTarEntry(TarEntryType.RegularFile, path) {
            DataStream = new MemoryStream(content),
            ModificationTime = DateTimeOffset.UnixEpoch });
        return this;
    }

    public ArchiveBuilder Entry(TarEntryType type, string path, string? linkName = null)
    {
        var entry = new PaxTarEntry(type, path) { ModificationTime = DateTimeOffset.UnixEpoch };
        if (linkName is not null)
        {
            entry.LinkName = linkName;
        }

        _entries.Add(entry);
        return this;
    }

    public byte[] Build()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in _entries)
            {
                tar.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }
}
