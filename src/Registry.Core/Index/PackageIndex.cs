using System.Text.Json.Serialization;

namespace Registry.Core.Index;

/// <summary>
/// The per-package index document (target <c>index/NORMALISED.json</c>), a package's only TUF
/// target: every published version of one package, oldest first, each pinning its artifact's
/// path, length and sha256. <see cref="Name"/> is the spelling that owns the normalised name.
/// A new state of the index is a new file; this document is never edited in place.
/// </summary>
public sealed record PackageIndex
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("versions")]
    public required IReadOnlyList<IndexEntry> Versions { get; init; }
}

/// <summary>One published version: what a resolver and an installer need, without opening the artifact.</summary>
public sealed record IndexEntry
{
    /// <summary>The version as published (full SemVer 2.0 string).</summary>
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    /// <summary>Dependency name to normalised NuGet range, ordered by name.</summary>
    [JsonPropertyName("dependencies")]
    public required IReadOnlyDictionary<string, string> Dependencies { get; init; }

    /// <summary>
    /// For each dependency that lives in another registry, that registry's URL and root sha256,
    /// ordered by name; absent (the usual case, and every document before this field): every
    /// dependency is in this same registry. The client resolves such a dependency there and only there.
    /// </summary>
    [JsonPropertyName("dependency_registries")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, RegistryPin>? DependencyRegistries { get; init; }

    [JsonPropertyName("yanked")]
    public bool Yanked { get; init; }

    [JsonPropertyName("yanked_reason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? YankedReason { get; init; }

    /// <summary>Target path of the artifact (<c>packages/NAME/VERSION/NAME-VERSION.tgz</c>).</summary>
    [JsonPropertyName("artifact")]
    public required string Artifact { get; init; }

    [JsonPropertyName("length")]
    public required long Length { get; init; }

    [JsonPropertyName("sha256")]
    public required string Sha256 { get; init; }

    [JsonPropertyName("published")]
    [JsonConverter(typeof(Tuf.TufDateTimeConverter))]
    public required DateTimeOffset Published { get; init; }

    [JsonPropertyName("description")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Description { get; init; }

    [JsonPropertyName("license")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? License { get; init; }

    [JsonPropertyName("authors")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Authors { get; init; }

    [JsonPropertyName("homepage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Homepage { get; init; }

    [JsonPropertyName("repository")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Repository { get; init; }

    /// <summary>For a NuGet package (a <c>.nupkg</c> artifact): its id as spelt and its dependency groups.</summary>
    [JsonPropertyName("nuget")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NuGetEntry? NuGet { get; init; }
}

/// <summary>
/// The NuGet facts of one version, signed with the rest of its index entry: what the NuGet
/// view's registration documents show. <see cref="IndexEntry.Dependencies"/> stays the flat
/// union the registry's own resolver reads; the groups keep NuGet's per-framework form.
/// </summary>
public sealed record NuGetEntry
{
    /// <summary>The index's record of a .nupkg's NuGet identity, from what publish read out of its .nuspec.</summary>
    public static NuGetEntry Of(Packages.NuGetManifest manifest) => new()
    {
        Id = manifest.Id,
        DependencyGroups = manifest.DependencyGroups.Select(g => new NuGetGroupEntry
        {
            TargetFramework = g.TargetFramework,
            Dependencies = g.Dependencies.Select(d => new NuGetDependencyEntry { Id = d.Id, Range = d.Range }).ToList(),
        }).ToList(),
    };

    /// <summary>The package id as its .nuspec spells it; its lowercase form is the package name.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("dependency_groups")]
    public required IReadOnlyList<NuGetGroupEntry> DependencyGroups { get; init; }
}

/// <summary>A dependency group: the target framework as written in the .nuspec (absent: any) and its
/// dependencies.</summary>
public sealed record NuGetGroupEntry
{
    [JsonPropertyName("target_framework")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TargetFramework { get; init; }

    [JsonPropertyName("dependencies")]
    public required IReadOnlyList<NuGetDependencyEntry> Dependencies { get; init; }
}

/// <summary>A dependency as spelt in the .nuspec, with its normalised NuGet range.</summary>
public sealed record NuGetDependencyEntry
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("range")]
    public required string Range { get; init; }
}
