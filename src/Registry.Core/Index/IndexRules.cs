using NuGet.Versioning;
using Registry.Core.Packages;

namespace Registry.Core.Index;

/// <summary>
/// What a well-formed index document is, checked by every reader after its bytes passed the
/// signed length and sha256 of <c>index/NORMALISED.json</c>: the name obeys the name rule and
/// normalises to the document's own path; versions are SemVer, unique and ascending; each entry
/// names its artifact by the one canonical path for its name and version (so a signed index
/// cannot steer a reader to a URL outside <c>targets/packages/NAME/</c>), with a plausible
/// length and a lowercase hex sha256; dependencies are valid names and NuGet ranges, and a
/// dependency's other registry (<see cref="RegistryPin"/>) is an https (or loopback http) URL
/// with a root sha256 of 64 lowercase hex digits.
/// </summary>
public static class IndexRules
{
    /// <summary>Largest artifact an index entry may pin (a bound for readers; publish caps lower).</summary>
    public const long MaxArtifactBytes = 4L * 1024 * 1024 * 1024;

    public static void Validate(PackageIndex index, string targetPath)
    {
        if (PackageName.Problem(index.Name) is { } problem)
        {
            throw Fail(targetPath, $"the package name '{index.Name}' {problem}");
        }

        if (RegistryLayout.IndexPath(index.Name) != targetPath)
        {
            throw Fail(
                targetPath,
                $"holds the index of '{index.Name}', which belongs at {RegistryLayout.IndexPath(index.Name)}");
        }

        NuGetVersion? previous = null;
        foreach (var entry in index.Versions)
        {
            if (!NuGetVersion.TryParse(entry.Version, out var version))
            {
                throw Fail(targetPath, $"version '{entry.Version}' is not SemVer 2.0");
            }

            if (previous is not null && version <= previous)
            {
                throw Fail(
                    targetPath,
                    $"version {entry.Version} is out of order or repeated (versions are unique and ascending)");
            }

            previous = version;
            var what = $"{index.Name} {entry.Version}";
            if (!RegistryLayout.ArtifactExtensions
                .Any(ext => entry.Artifact == RegistryLayout.ArtifactPath(index.Name, version, ext)))
            {
                throw Fail(targetPath, $"{what} names artifact '{entry.Artifact}', not its canonical path "
                    + $"{RegistryLayout.ArtifactPath(index.Name, version, RegistryLayout.ArtifactExtensions[0])}");
            }

            if (entry.Length is < 0 or > MaxArtifactBytes)
            {
                throw Fail(targetPath, $"{what} has an impossible length {entry.Length}");
            }

            if (entry.Sha256.Length != 64 || !entry.Sha256.All(char.IsAsciiHexDigitLower))
            {
                throw Fail(targetPath, $"{what} has a malformed sha256 (64 lowercase hex digits)");
            }

            foreach (var (dependency, range) in entry.Dependencies)
            {
                if (!PackageName.IsValid(dependency) || !VersionRange.TryParse(range, out _))
                {
                    throw Fail(targetPath, $"{what} has a malformed dependency '{dependency}' '{range}'");
                }
            }

            foreach (var (dependency, pin) in entry.DependencyRegistries ?? new Dictionary<string, RegistryPin>())
            {
                if (!entry.Dependencies.ContainsKey(dependency))
                {
                    throw Fail(
                        targetPath,
                        $"{what} names a registry for '{dependency}', which is not one of its dependencies");
                }

                if (RegistryPin.Problem(pin) is { } pinProblem)
                {
                    throw Fail(
                        targetPath,
                        $"{what}: the registry of dependency '{dependency}' {pinProblem} ({RegistryPin.RuleText})");
                }
            }

            ValidateNuGet(index.Name, entry, what, targetPath);
        }
    }

    /// <summary>
    /// A .nupkg artifact carries its NuGet facts and nothing else does; the id is a spelling of
    /// the package name (NuGet ids are case-insensitive), and every group's ranges parse.
    /// </summary>
    private static void ValidateNuGet(string name, IndexEntry entry, string what, string targetPath)
    {
        var isNupkg = entry.Artifact.EndsWith(".nupkg", StringComparison.Ordinal);
        if (isNupkg != entry.NuGet is not null)
        {
            throw Fail(targetPath, isNupkg
                ? $"{what} is a .nupkg without its NuGet id and dependency groups"
                : $"{what} has NuGet facts but its artifact is not a .nupkg");
        }

        if (entry.NuGet is not { } nuget)
        {
            return;
        }

        if (!string.Equals(nuget.Id.ToLowerInvariant(), name, StringComparison.Ordinal))
        {
            throw Fail(targetPath, $"{what} has the NuGet id '{nuget.Id}', which is not a spelling of '{name}'");
        }

        foreach (var group in nuget.DependencyGroups)
        {
            foreach (var dependency in group.Dependencies)
            {
                if (!PackageName.IsValid(dependency.Id.ToLowerInvariant())
                    || !VersionRange.TryParse(dependency.Range, out _))
                {
                    throw Fail(
                        targetPath,
                        $"{what} has a malformed NuGet dependency '{dependency.Id}' '{dependency.Range}'");
                }
            }
        }
    }

    private static VerificationException Fail(string targetPath, string message) =>
        new(Rules.IndexFormat, $"{targetPath}: {message}");
}
