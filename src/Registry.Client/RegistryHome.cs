using System.Text.Json;
using System.Text.Json.Serialization;
using Registry.Core;
using Registry.Core.Tuf;

namespace Registry.Client;

/// <summary>A configured registry: a name, a primary URL, fallback mirrors, and its root of trust.</summary>
public sealed record SourceConfig
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("url")]
    public required Uri Url { get; init; }

    [JsonPropertyName("mirrors")]
    public IReadOnlyList<Uri> Mirrors { get; init; } = [];

    [JsonIgnore]
    public IEnumerable<Uri> Urls => Mirrors.Prepend(Url);
}

/// <summary>
/// The per-user folder (<c>$REGISTRY_HOME</c>, default <c>~/.registry</c>): <c>sources.json</c>,
/// one folder per source holding its trust anchor (<c>root.json</c>) and its trusted metadata in
/// registry layout (<c>metadata/</c>), and <c>cache/</c> with verified files by sha256. Shared by
/// concurrent client processes: every write is a create-only link or an atomic rename.
/// </summary>
public sealed class RegistryHome(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public string CachePath => System.IO.Path.Combine(Path, "cache");

    public static RegistryHome Default() => new(
        Environment.GetEnvironmentVariable("REGISTRY_HOME") is { Length: > 0 } home
            ? home
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".registry"));

    /// <summary>
    /// The folder of a source's trusted state. The name (from sources.json or the command line)
    /// must pass the package name rule, so no name can point the folder (or its removal) elsewhere.
    /// </summary>
    public string SourcePath(string name)
    {
        if (Core.Packages.PackageName.Problem(name) is { } problem)
        {
            throw new EnvironmentException($"source name {JsonSerializer.Serialize(name, Resolution.LockJsonContext.Default.String)} {problem}; a source name is {Core.Packages.PackageName.Rule} (fix {System.IO.Path.Combine(Path, "sources.json")})");
        }

        return System.IO.Path.Combine(Path, "sources", name);
    }

    public IReadOnlyList<SourceConfig> Sources()
    {
        var file = System.IO.Path.Combine(Path, "sources.json");
        if (!File.Exists(file))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(file), ClientJsonContext.Default.ListSourceConfig) ?? [];
        }
        catch (JsonException e)
        {
            throw new EnvironmentException($"{file}: malformed JSON ({JsonProblem.Describe(e)}); fix or remove it", e);
        }
    }

    /// <summary>The named source, or the only one when no name is given.</summary>
    public SourceConfig Source(string? name)
    {
        var sources = Sources();
        if (name is null)
        {
            return sources.Count == 1 ? sources[0]
                : sources.Count == 0 ? throw new EnvironmentException("no registry source configured: run 'registry source add NAME URL --root FILE'")
                : throw new EnvironmentException($"several sources are configured ({string.Join(", ", sources.Select(s => s.Name))}): pass --source NAME");
        }

        return sources.FirstOrDefault(s => s.Name == name) ?? throw new EnvironmentException($"no source named '{name}' (configured: {string.Join(", ", sources.Select(s => s.Name).DefaultIfEmpty("none"))})");
    }

    /// <summary>Adds a source with its trust anchor, a root metadata file that must sign itself.</summary>
    public SourceConfig AddSource(SourceConfig source, byte[] rootBytes)
    {
        if (!Core.Packages.PackageName.IsValid(source.Name))
        {
            throw new EnvironmentException($"'{source.Name}' is not a valid source name ({Core.Packages.PackageName.Rule})");
        }

        var root = RootChain.Parse(rootBytes, "root");
        RootChain.VerifySelfSigned(root, "the given root");
        var sources = Sources().Where(s => s.Name != source.Name).Append(source).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        var folder = SourcePath(source.Name);
        RemoveFolder(folder);

        Directory.CreateDirectory(folder);
        WriteAtomically(System.IO.Path.Combine(folder, "root.json"), rootBytes);
        WriteAtomically(System.IO.Path.Combine(Path, "sources.json"), JsonSerializer.SerializeToUtf8Bytes(sources, ClientJsonContext.Default.ListSourceConfig));
        return source;
    }

    public bool RemoveSource(string name)
    {
        var folder = SourcePath(name); // checks the name before anything is changed
        var sources = Sources().ToList();
        if (sources.RemoveAll(s => s.Name == name) == 0)
        {
            return false;
        }

        WriteAtomically(System.IO.Path.Combine(Path, "sources.json"), JsonSerializer.SerializeToUtf8Bytes(sources, ClientJsonContext.Default.ListSourceConfig));
        RemoveFolder(folder);
        return true;
    }

    // A link in place of the folder is removed as a link, never followed.
    private static void RemoveFolder(string folder)
    {
        if (new FileInfo(folder).LinkTarget is not null)
        {
            File.Delete(folder);
        }
        else if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes a file so that readers see the old or the new bytes, never a part.</summary>
    public static void WriteAtomically(string path, byte[] content)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<SourceConfig>))]
internal sealed partial class ClientJsonContext : JsonSerializerContext
{
}
