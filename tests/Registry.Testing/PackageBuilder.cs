using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Registry.Testing;

/// <summary>
/// Builds native package bytes (gzip tar with <c>registry.json</c>) in memory. The output is
/// deterministic for the same inputs on the same runtime: fixed mtimes, uid/gid 0, no user names,
/// fixed modes, files sorted by path, so "publish the same bytes again" can be tested.
/// </summary>
public sealed class PackageBuilder
{
    /// <summary>The mtime of every entry (npm uses the same fixed date for reproducible tarballs).</summary>
    public static readonly DateTimeOffset FixedTime = new(1985, 10, 26, 8, 15, 0, TimeSpan.Zero);

    private readonly SortedDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _dependencies = new(StringComparer.Ordinal);
    private readonly JsonObject _extraFields = [];
    private readonly List<TarEntry> _entries = [];
    private string? _manifestJson;
    private bool _withoutManifest;
    private string _manifestPath = "registry.json";

    private PackageBuilder(string name, string version)
    {
        Name = name;
        Version = version;
    }

    public string Name { get; }

    public string Version { get; }

    /// <summary>The conventional file name, e.g. <c>beta-1.0.0.tgz</c>.</summary>
    public string FileName => $"{Name}-{Version}.tgz";

    public static PackageBuilder Create(string name, string version) => new(name, version);

    public PackageBuilder DependsOn(string name, string range)
    {
        _dependencies[name] = range;
        return this;
    }

    /// <summary>Adds or replaces a top-level manifest field (description, authors, or an unknown one).</summary>
    public PackageBuilder WithField(string name, JsonNode? value)
    {
        _extraFields[name] = value;
        return this;
    }

    public PackageBuilder WithFile(string path, byte[] content)
    {
        _files[path] = content;
        return this;
    }

    public PackageBuilder WithFile(string path, string text)
        => WithFile(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Uses these exact bytes as <c>registry.json</c> instead of the generated manifest.</summary>
    public PackageBuilder WithManifestJson(string rawJson)
    {
        _manifestJson = rawJson;
        return this;
    }

    /// <summary>Stores the manifest under another entry name, e.g. <c>./registry.json</c>.</summary>
    public PackageBuilder WithManifestPath(string entryName)
    {
        _manifestPath = entryName;
        return this;
    }

    public PackageBuilder WithoutManifest()
    {
        _withoutManifest = true;
        return this;
    }

    /// <summary>Appends a hand-made entry after the files, as is (for malformed archives).</summary>
    public PackageBuilder WithEntry(TarEntry entry)
    {
        _entries.Add(entry);
        return this;
    }

    /// <summary>Appends an entry of any type (a directory, a link out of the root, a device) after the files.</summary>
    public PackageBuilder WithEntry(TarEntryType type, string name, string? linkName = null) =>
        WithEntry(Entry(type, name, linkName: linkName));

    /// <summary>The manifest JSON this builder writes.</summary>
    public string ManifestJson()
    {
        if (_manifestJson is not null)
        {
            return _manifestJson;
        }

        var manifest = new JsonObject { ["name"] = Name, ["version"] = Version };
        if (_dependencies.Count > 0)
        {
            var dependencies = new JsonObject();
            foreach (var (name, range) in _dependencies)
            {
                dependencies[name] = range;
            }

            manifest["dependencies"] = dependencies;
        }

        foreach (var (name, value) in _extraFields)
        {
            manifest[name] = value?.DeepClone();
        }

        return manifest.ToJsonString();
    }

    public byte[] Build()
    {
        var manifest = _withoutManifest
            ? []
            : new[] { File(_manifestPath, System.Text.Encoding.UTF8.GetBytes(ManifestJson())) };
        return Archive([.. manifest, .. _files.Select(f => File(f.Key, f.Value)), .. _entries]);
    }

    /// <summary>
    /// The one writer of test archives: <paramref name="entries"/> as given and in order (hostile
    /// ones included), as a pax tar in gzip. Entry data is streamed, so a bomb takes no memory.
    /// </summary>
    public static byte[] Archive(IEnumerable<TarEntry> entries)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        using (var writer = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                if (entry.DataStream is { CanSeek: true } data)
                {
                    data.Position = 0;
                }

                writer.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    /// <summary>Writes <see cref="Build"/> to <paramref name="directory"/> under <see cref="FileName"/>; returns the
    /// path.</summary>
    public string WriteTo(string directory)
    {
        var path = Path.Combine(directory, FileName);
        System.IO.File.WriteAllBytes(path, Build());
        return path;
    }

    /// <summary>A deterministic entry: fixed mtime, uid/gid 0, mode 0644 (0755 for directories and links).</summary>
    public static PaxTarEntry Entry(TarEntryType type, string name, Stream? data = null, string? linkName = null)
    {
        var entry = new PaxTarEntry(type, name)
        {
            ModificationTime = FixedTime,
            Uid = 0,
            Gid = 0,
            UserName = "",
            GroupName = "",
            Mode = type is TarEntryType.RegularFile ? (UnixFileMode)0b110_100_100 : (UnixFileMode)0b111_101_101,
        };
        if (data is not null)
        {
            entry.DataStream = data;
        }

        if (linkName is not null)
        {
            entry.LinkName = linkName;
        }

        return entry;
    }

    public static PaxTarEntry File(string name, byte[] content) =>
        Entry(TarEntryType.RegularFile, name, new MemoryStream(content, writable: false));

    public static byte[] Gzip(byte[] tar)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(tar);
        }

        return output.ToArray();
    }
}
