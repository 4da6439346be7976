using NuGet.Versioning;

namespace Registry.Core.Packages;

/// <summary>
/// What a package says about itself, whatever its file format: the model every format
/// adapter (<see cref="IPackageFormat"/>) produces and the validation rules check.
/// </summary>
public sealed record PackageManifest
{
    public required string Name { get; init; }

    public required NuGetVersion Version { get; init; }

    /// <summary>Package name to the NuGet version range it needs, ordered by name.</summary>
    public required IReadOnlyDictionary<string, VersionRange> Dependencies { get; init; }

    /// <summary>
    /// For a dependency in another registry, that registry as the manifest names it (an alias the
    /// publishing registry knows, or a known registry's URL); publish turns it into a signed pin
    /// (<see cref="Index.RegistryPin"/>) or refuses it. Absent: the dependency is in the same registry.
    /// </summary>
    public IReadOnlyDictionary<string, string> DependencyRegistries { get; init; } = new Dictionary<string, string>();

    public string? Description { get; init; }

    public string? License { get; init; }

    public IReadOnlyList<string> Authors { get; init; } = [];

    public string? Homepage { get; init; }

    public string? Repository { get; init; }

    /// <summary>What only a NuGet package (.nupkg) has; null for the native format.</summary>
    public NuGetManifest? NuGet { get; init; }
}

/// <summary>
/// The NuGet side of a .nupkg's manifest: the id as the .nuspec spells it (the registry name is
/// its lowercase form), its dependency groups per target framework, and the .nuspec's own
/// bytes, which the NuGet view serves in the flat container as NuGet clients read them.
/// </summary>
public sealed record NuGetManifest
{
    /// <summary>The package id as written in the .nuspec (NuGet ids are case-insensitive).</summary>
    public required string Id { get; init; }

    /// <summary>
    /// Dependency groups as the .nuspec declares them, in order; a .nuspec without groups gives one
    /// group with no framework (holding its ungrouped dependencies, empty when it has none).
    /// <see cref="PackageManifest.Dependencies"/> is their union for the registry's resolver: an id
    /// in several groups keeps the range with the highest minimum version.
    /// </summary>
    public required IReadOnlyList<NuGetDependencyGroup> DependencyGroups { get; init; }

    /// <summary>The bytes of the package's root <c>.nuspec</c> file, unchanged.</summary>
    public required byte[] Nuspec { get; init; }
}

/// <summary>One dependency group: the target framework as written (null: any framework) and its dependencies.</summary>
public sealed record NuGetDependencyGroup(string? TargetFramework, IReadOnlyList<NuGetDependency> Dependencies);

/// <summary>A dependency as the .nuspec spells its id, with its range in NuGet's normalised form.</summary>
public sealed record NuGetDependency(string Id, string Range);

/// <summary>A package file that passed every rule of its format: its manifest and the file's bytes.</summary>
public sealed record PackageFile(PackageManifest Manifest, string SourcePath, string FileExtension, byte[] Content);
