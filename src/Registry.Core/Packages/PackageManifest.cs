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

    public string? Description { get; init; }

    public string? License { get; init; }

    public IReadOnlyList<string> Authors { get; init; } = [];

    public string? Homepage { get; init; }

    public string? Repository { get; init; }
}

/// <summary>A package file that passed every rule of its format: its manifest and the file's bytes.</summary>
public sealed record PackageFile(PackageManifest Manifest, string SourcePath, string FileExtension, byte[] Content);
