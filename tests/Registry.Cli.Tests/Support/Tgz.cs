using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Registry.Cli.Tests.Support;

/// <summary>Builds package archives (gzip tar with registry.json) deterministically.</summary>
public static class Tgz
{
    public static byte[] Package(
        string name,
        string version,
        string dependenciesJson = "{}",
        string? extraFile = null) =>
        Archive(
            ("registry.json", $"{{\"name\":\"{name}\",\"version\":\"{version}\",\"description\":\"{name} for tests\",\"dependencies\":{dependenciesJson}}}"),
            ($"lib/{name}.txt", extraFile ?? $"{name} {version}\n"));

    public static byte[] Archive(params (string Path, string Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, path)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
                        | UnixFileMode.OtherRead,
                };
                tar.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }
}
