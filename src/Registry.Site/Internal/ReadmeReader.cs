using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace Registry.Site.Internal;

/// <summary>
/// The README inside an artifact whose bytes matched the signed pin: in a .tgz the root
/// <c>README.md</c> (or <c>README</c>, <c>README.markdown</c>, any case); in a .nupkg the file
/// the .nuspec's <c>&lt;readme&gt;</c> names, else the root <c>README.md</c>. At most
/// <see cref="MaxBytes"/> are read; a broken archive gives no README, never an exception.
/// </summary>
internal static class ReadmeReader
{
    public const int MaxBytes = 512 * 1024;

    private static readonly string[] Names = ["readme.md", "readme.markdown", "readme"];

    public static string? ReadOrNull(byte[] artifact, string artifactPath)
    {
        try
        {
            return artifactPath.EndsWith(".nupkg", StringComparison.Ordinal) ? FromNupkg(artifact) : FromTgz(artifact);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or XmlException
            or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string? FromTgz(byte[] artifact)
    {
        using var gzip = new GZipStream(new MemoryStream(artifact, writable: false), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        string? best = null;
        var bestRank = int.MaxValue;
        while (tar.GetNextEntry() is { } entry)
        {
            var name = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            var rank = Array.IndexOf(Names, name.ToLowerInvariant());
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && rank >= 0
                && rank < bestRank
                && entry.DataStream is { } data)
            {
                best = ReadText(data);
                bestRank = rank;
            }
        }

        return best;
    }

    private static string? FromNupkg(byte[] artifact)
    {
        using var zip = new ZipArchive(new MemoryStream(artifact, writable: false), ZipArchiveMode.Read);
        var nuspec = zip.Entries.FirstOrDefault(e => !e.FullName.Contains('/', StringComparison.Ordinal)
            && e.FullName.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        var named = nuspec is null ? null : ReadmeElement(nuspec);
        var entry = (named is null ? null : zip.GetEntry(named.Replace('\\', '/').TrimStart('/')))
            ?? zip.Entries.FirstOrDefault(e => Names.Contains(e.FullName.ToLowerInvariant()));
        if (entry is null)
        {
            return null;
        }

        using var stream = entry.Open();
        return ReadText(stream);
    }

    private static string? ReadmeElement(ZipArchiveEntry nuspec)
    {
        using var stream = nuspec.Open();
        using var reader = XmlReader.Create(stream, new XmlReaderSettings {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = 4 * 1024 * 1024 });
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "readme")
            {
                var value = reader.ReadElementContentAsString().Trim();
                return value.Length > 0 ? value : null;
            }
        }

        return null;
    }

    private static string ReadText(Stream data)
    {
        var buffer = new byte[MaxBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = data.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        return new UTF8Encoding(false, throwOnInvalidBytes: false).GetString(buffer, 0, total);
    }
}
