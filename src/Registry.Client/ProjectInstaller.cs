using System.Text.Json;
using NuGet.Versioning;
using Registry.Client.Resolution;
using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Packages;

namespace Registry.Client;

/// <summary>What an install did.</summary>
public sealed record InstallResult(IReadOnlyList<LockedPackage> Installed, IReadOnlyList<string> Names, bool Resolved, UpdateResult Update);

/// <summary>
/// <c>registry install</c>: reads the project's <c>registry.json</c> dependencies, uses the
/// lock file when it still satisfies them (else resolves and rewrites it), then fetches every
/// package (verified against the signed metadata, from the cache when present) and extracts
/// each into <c>packages/NAME/</c>.
/// </summary>
public sealed class ProjectInstaller(RegistryClient client)
{
    /// <summary>The folder, under the project, that holds one folder per installed package.</summary>
    public const string PackagesFolder = "packages";

    public async Task<InstallResult> InstallAsync(string projectDirectory, bool locked, bool offline, CancellationToken cancellationToken)
    {
        var dependencies = ReadDependencies(projectDirectory);
        var lockFile = LockFile.ReadOrNull(projectDirectory);
        var lockHolds = lockFile is not null && lockFile.Satisfies(dependencies);
        if (locked && !lockHolds)
        {
            throw new ValidationException("lock-outdated",
                $"{Path.Combine(projectDirectory, LockFile.FileName)} {(lockFile is null ? "does not exist" : "does not satisfy the dependencies in registry.json")}; run 'registry install' without --locked to update it");
        }

        // The lock pins every artifact by sha256: when the cache holds them all, no metadata is
        // needed and the install makes no request at all (a dead or hostile server is harmless).
        if (lockHolds && await AllCachedOrNullAsync(lockFile!, cancellationToken).ConfigureAwait(false) is { } cachedArchives)
        {
            var lockedPackages = lockFile!.Packages.ToList();
            Extract(projectDirectory, lockedPackages, cachedArchives);
            return new InstallResult(lockedPackages.Select(p => p.Value).ToList(), lockedPackages.Select(p => p.Key).ToList(), false,
                new UpdateResult(UpdateStatus.NotNeeded, 0, null, client.Warnings));
        }

        var update = await client.UpdateAsync(offline, cancellationToken).ConfigureAwait(false);
        var resolved = false;
        if (!lockHolds)
        {
            var pins = lockFile?.Packages.ToDictionary(p => p.Key, p => NuGetVersion.Parse(p.Value.Version), StringComparer.Ordinal);
            var resolution = await new Resolver(client.GetIndexAsync, pins).ResolveAsync(dependencies, cancellationToken).ConfigureAwait(false);
            lockFile = new LockFile
            {
                Packages = new SortedDictionary<string, LockedPackage>(resolution.ToDictionary(p => p.Key, p => Lock(p.Value.Entry), StringComparer.Ordinal), StringComparer.Ordinal),
            };
            resolved = true;
        }

        var packages = lockFile!.Packages.ToList();
        CheckFolders(projectDirectory, packages);
        var archives = await Task.WhenAll(packages.Select(p => FetchAsync(p.Key, p.Value, cancellationToken))).ConfigureAwait(false);
        Extract(projectDirectory, packages, archives);

        if (resolved)
        {
            lockFile.Write(projectDirectory);
        }

        return new InstallResult(packages.Select(p => p.Value).ToList(), packages.Select(p => p.Key).ToList(), resolved, update);
    }

    /// <summary>
    /// Every name is checked (the publish rule, and its folder a direct child of packages/) before
    /// any is fetched, extracted or removed: one bad name leaves the project untouched.
    /// </summary>
    private static void CheckFolders(string projectDirectory, List<KeyValuePair<string, LockedPackage>> packages)
    {
        foreach (var (name, _) in packages)
        {
            PackageExtractor.PackageFolder(Path.Combine(projectDirectory, PackagesFolder), name);
        }
    }

    private static void Extract(string projectDirectory, List<KeyValuePair<string, LockedPackage>> packages, byte[][] archives)
    {
        CheckFolders(projectDirectory, packages);
        for (var i = 0; i < packages.Count; i++)
        {
            PackageExtractor.Extract(archives[i], packages[i].Value.Artifact, Path.Combine(projectDirectory, PackagesFolder), packages[i].Key);
        }
    }

    /// <summary>Every locked artifact from the cache (checked against the lock's length and sha256), or null if any is missing.</summary>
    private async Task<byte[][]?> AllCachedOrNullAsync(LockFile lockFile, CancellationToken cancellationToken)
    {
        var archives = new List<byte[]>();
        foreach (var (_, package) in lockFile.Packages)
        {
            if (await client.GetCachedBlobOrNullAsync(package.Sha256, package.Length, cancellationToken).ConfigureAwait(false) is not { } cached)
            {
                return null;
            }

            archives.Add(cached);
        }

        return [.. archives];
    }

    /// <summary>A locked package's verified bytes: from the cache by hash, else through the signed metadata.</summary>
    private async Task<byte[]> FetchAsync(string name, LockedPackage package, CancellationToken cancellationToken)
    {
        if (await client.GetCachedBlobOrNullAsync(package.Sha256, package.Length, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        var index = await client.GetIndexAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException($"{name} is locked at {package.Version} but the registry has no such package");
        var entry = index.Versions.FirstOrDefault(v => NuGetVersion.Parse(v.Version) == NuGetVersion.Parse(package.Version))
            ?? throw new RegistryException($"{name} {package.Version} is locked but not in the registry's index");
        if (!Core.Tuf.Hashing.HexEquals(entry.Sha256, package.Sha256))
        {
            throw new VerificationException($"{name} {package.Version}: the lock file's sha256 differs from the registry's signed index; the lock file was edited or the registry is not the one it was made with");
        }

        return await client.GetArtifactAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private static LockedPackage Lock(IndexEntry entry) => new()
    {
        Version = entry.Version,
        Artifact = entry.Artifact,
        Length = entry.Length,
        Sha256 = entry.Sha256,
        Dependencies = new SortedDictionary<string, string>(entry.Dependencies.ToDictionary(), StringComparer.Ordinal),
    };

    /// <summary>The <c>dependencies</c> of the project's <c>registry.json</c>.</summary>
    public static IReadOnlyDictionary<string, VersionRange> ReadDependencies(string projectDirectory)
    {
        var path = Path.Combine(projectDirectory, "registry.json");
        if (!File.Exists(path))
        {
            throw new EnvironmentException($"{path}: no registry.json; a project lists its dependencies there: {{\"dependencies\": {{\"name\": \"[1.0.0, 2.0.0)\"}}}}");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var result = new SortedDictionary<string, VersionRange>(StringComparer.Ordinal);
            if (document.RootElement.TryGetProperty("dependencies", out var dependencies) && dependencies.ValueKind == JsonValueKind.Object)
            {
                foreach (var dependency in dependencies.EnumerateObject())
                {
                    if (PackageName.Problem(dependency.Name) is { } problem)
                    {
                        throw new ValidationException(PackageRules.NameInvalid, $"{path}: dependency name {JsonSerializer.Serialize(dependency.Name)} {problem}; a package name is {PackageName.Rule}");
                    }

                    if (dependency.Value.ValueKind != JsonValueKind.String || !VersionRange.TryParse(dependency.Value.GetString()!, out var range))
                    {
                        throw new ValidationException("dependency-invalid", $"{path}: dependency '{dependency.Name}': {dependency.Value.GetRawText()} is not a NuGet version range");
                    }

                    result[dependency.Name] = range;
                }
            }

            return result;
        }
        catch (JsonException e)
        {
            throw new ValidationException("manifest-json", $"{path}: not valid JSON ({e.Message})");
        }
    }
}
