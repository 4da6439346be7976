using System.IO.Compression;
using System.Text;

namespace Registry.Testing.Cli;

/// <summary>
/// Bad .nupkg files made from a real one (a zip with a root <c>ID.nuspec</c>): every entry is
/// copied as is except for the one change, so that the change alone is what publish must refuse.
/// </summary>
public static class Nupkg
{
    /// <summary>The same package without its root .nuspec.</summary>
    public static string WithoutNuspec(string source, string destination) =>
        Rewrite(source, destination, (name, content) => IsRootNuspec(name) ? null : content);

    /// <summary>The same package whose .nuspec says <c>&lt;id&gt;newId&lt;/id&gt;</c> (the file keeps its
    /// name).</summary>
    public static string WithNuspecId(string source, string destination, string newId) =>
        Rewrite(source, destination, (name, content) =>
        {
            if (!IsRootNuspec(name))
            {
                return content;
            }

            var text = Encoding.UTF8.GetString(content);
            var start = text.IndexOf("<id>", StringComparison.Ordinal) + 4;
            var end = text.IndexOf("</id>", start, StringComparison.Ordinal);
            return Encoding.UTF8.GetBytes(text[..start] + newId + text[end..]);
        });

    /// <summary>The same package with one more entry named <paramref name="entryName"/> (e.g.
    /// <c>../evil.txt</c>).</summary>
    public static string WithExtraEntry(
        string source,
        string destination,
        string entryName,
        string text = "outside the package") =>
        Rewrite(source, destination, (_, content) => content, (entryName, Encoding.UTF8.GetBytes(text)));

    /// <summary>The names of a zip's entries as stored.</summary>
    public static IReadOnlyList<string> EntryNames(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        return [.. zip.Entries.Select(e => e.FullName)];
    }

    /// <summary>The root .nuspec's text, or null.</summary>
    public static string? NuspecText(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        var entry = zip.Entries.FirstOrDefault(e => IsRootNuspec(e.FullName));
        if (entry is null)
        {
            return null;
        }

        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static bool IsRootNuspec(string name) =>
        !name.Contains('/', StringComparison.Ordinal) && name.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase);

    private static string Rewrite(
        string source,
        string destination,
        Func<string, byte[], byte[]?> change,
        (string Name, byte[] Content)? extra = null)
    {
        using (var input = ZipFile.OpenRead(source))
        using (var output = ZipFile.Open(destination, ZipArchiveMode.Create))
        {
            foreach (var entry in input.Entries)
            {
                using var memory = new MemoryStream();
                using (var stream = entry.Open())
                {
                    stream.CopyTo(memory);
                }

                var content = change(entry.FullName, memory.ToArray());
                if (content is not null)
                {
                    Write(output, entry.FullName, content);
                }
            }

            if (extra is { } added)
            {
                Write(output, added.Name, added.Content);
            }
        }

        return destination;
    }

    private static void Write(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var stream = entry.Open();
        stream.Write(content);
    }
}
