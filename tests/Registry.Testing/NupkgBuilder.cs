using System.IO.Compression;
using System.Security;
using System.Text;

namespace Registry.Testing;

/// <summary>
/// Builds NuGet package bytes (a zip with <c>ID.nuspec</c> at its root) in memory, deterministically:
/// entries in the order added after the .nuspec, fixed timestamps. Dependencies go ungrouped unless a
/// target framework is given, so both nuspec forms can be built; raw entries make malformed packages.
/// </summary>
public sealed class NupkgBuilder
{
    /// <summary>The timestamp of every entry.</summary>
    public static readonly DateTimeOffset FixedTime = new(1985, 10, 26, 8, 15, 0, TimeSpan.Zero);

    private readonly List<(string Path, Func<Stream> Data, int UnixMode)> _entries = [];
    private readonly List<(string? Framework, string Id, string? Range)> _dependencies = [];
    private readonly StringBuilder _metadata = new();
    private string? _nuspec;
    private string? _nuspecPath;
    private bool _withoutNuspec;
    private bool _grouped;

    private NupkgBuilder(string id, string version)
    {
        Id = id;
        Version = version;
    }

    public string Id { get; }

    public string Version { get; }

    /// <summary>The name dotnet pack gives the file: <c>ID.VERSION.nupkg</c>.</summary>
    public string FileName => $"{Id}.{Version}.nupkg";

    public static NupkgBuilder Create(string id, string version) => new(id, version);

    /// <summary>
    /// The layout dotnet pack writes: <c>_rels/.rels</c>, the .nuspec, <c>lib/net8.0/ID.dll</c>,
    /// <c>[Content_Types].xml</c> and the core-properties part under <c>package/services/</c>.
    /// </summary>
    public static NupkgBuilder DotnetPack(string id, string version) =>
        Create(id, version)
            .WithMetadata($"<authors>{id} authors</authors><description>Package Description</description>")
            .WithFile("_rels/.rels", Relationships(id))
            .WithFile($"lib/net8.0/{id}.dll", MaliciousPackages.Noise(3000))
            .WithFile("[Content_Types].xml", ContentTypes)
            .WithFile(
                "package/services/metadata/core-properties/0123456789abcdef0123456789abcdef.psmdcp",
                CoreProperties);

    private const string XmlDeclaration = """<?xml version="1.0" encoding="utf-8"?>""";

    private const string ContentTypes = XmlDeclaration
        + """<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"""
        + """<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />"""
        + """<Default Extension="nuspec" ContentType="application/octet" />"""
        + """<Default Extension="dll" ContentType="application/octet" />"""
        + """<Default Extension="psmdcp" """
        + """ContentType="application/vnd.openxmlformats-package.core-properties+xml" /></Types>""";

    private const string CoreProperties = XmlDeclaration
        + """<coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/" """
        + """xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">"""
        + """<dc:creator>x</dc:creator></coreProperties>""";

    private static string Relationships(string id) => XmlDeclaration
        + """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"""
        + """<Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" """
        + $"""Target="/{id}.nuspec" Id="R1" /></Relationships>""";

    /// <summary>An ungrouped dependency (<c>&lt;dependencies&gt;&lt;dependency .../&gt;</c>); a null range writes no
    /// version attribute.</summary>
    public NupkgBuilder DependsOn(string id, string? range)
    {
        _dependencies.Add((null, id, range));
        return this;
    }

    /// <summary>A dependency in the group for <paramref name="framework"/> (null: a group without
    /// targetFramework).</summary>
    public NupkgBuilder DependsOn(string? framework, string id, string? range)
    {
        _grouped = true;
        _dependencies.Add((framework, id, range));
        return this;
    }

    /// <summary>An empty dependency group for <paramref name="framework"/>.</summary>
    public NupkgBuilder WithGroup(string framework)
    {
        _grouped = true;
        _dependencies.Add((framework, "", null));
        return this;
    }

    /// <summary>Raw XML appended inside <c>&lt;metadata&gt;</c> (authors, license, an unknown element).</summary>
    public NupkgBuilder WithMetadata(string xml)
    {
        _metadata.Append(xml);
        return this;
    }

    /// <summary>Uses this exact text as the .nuspec instead of the generated one.</summary>
    public NupkgBuilder WithNuspec(string rawXml)
    {
        _nuspec = rawXml;
        return this;
    }

    /// <summary>Stores the .nuspec under another entry name (default <c>ID.nuspec</c>).</summary>
    public NupkgBuilder WithNuspecPath(string path)
    {
        _nuspecPath = path;
        return this;
    }

    public NupkgBuilder WithoutNuspec()
    {
        _withoutNuspec = true;
        return this;
    }

    public NupkgBuilder WithFile(string path, string text, int unixMode = 0)
        => WithFile(path, Encoding.UTF8.GetBytes(text), unixMode);

    public NupkgBuilder WithFile(string path, byte[] content, int unixMode = 0)
        => WithEntry(path, () => new MemoryStream(content, writable: false), unixMode);

    /// <summary>An entry as is: any name, data from <paramref name="data"/> (e.g. a ZeroStream), the unix mode (type
    /// and permissions) in the external attributes.</summary>
    public NupkgBuilder WithEntry(string path, Func<Stream> data, int unixMode = 0)
    {
        _entries.Add((path, data, unixMode));
        return this;
    }

    /// <summary>The .nuspec this builder writes.</summary>
    public string NuspecXml()
    {
        if (_nuspec is not null)
        {
            return _nuspec;
        }

        var xml = new StringBuilder("""<?xml version="1.0" encoding="utf-8"?>""")
            .Append("""<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"><metadata>""")
            .Append($"<id>{SecurityElement.Escape(Id)}</id><version>{SecurityElement.Escape(Version)}</version>")
            .Append(_metadata);
        if (_dependencies.Count > 0)
        {
            xml.Append("<dependencies>");
            foreach (var framework in _dependencies.Select(d => d.Framework).Distinct())
            {
                if (_grouped)
                {
                    xml.Append(framework is null ? "<group>" : $"<group targetFramework=\"{framework}\">");
                }

                foreach (var (_, id, range) in _dependencies.Where(d => d.Framework == framework && d.Id.Length > 0))
                {
                    xml.Append($"<dependency id=\"{id}\"").Append(range is null ? "" : $" version=\"{range}\"")
                        .Append(" exclude=\"Build,Analyzers\" />");
                }

                xml.Append(_grouped ? "</group>" : "");
            }

            xml.Append("</dependencies>");
        }

        return xml.Append("</metadata></package>").ToString();
    }

    public byte[] Build()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            if (!_withoutNuspec)
            {
                var nuspec = Encoding.UTF8.GetBytes(NuspecXml());
                Write(zip, _nuspecPath ?? $"{Id}.nuspec", () => new MemoryStream(nuspec), 0);
            }

            foreach (var (path, data, mode) in _entries)
            {
                Write(zip, path, data, mode);
            }
        }

        return output.ToArray();
    }

    /// <summary>Writes <see cref="Build"/> to <paramref name="directory"/> under <see cref="FileName"/>; returns the
    /// path.</summary>
    public string WriteTo(string directory)
    {
        var path = Path.Combine(directory, FileName);
        File.WriteAllBytes(path, Build());
        return path;
    }

    private static void Write(ZipArchive zip, string path, Func<Stream> data, int unixMode)
    {
        var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
        entry.LastWriteTime = FixedTime;
        entry.ExternalAttributes = unixMode << 16;
        using var target = entry.Open();
        using var source = data();
        source.CopyTo(target);
    }
}
