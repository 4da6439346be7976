using System.Text.Json;
using NuGet.Versioning;
using Registry.Client.Internal;
using Registry.Client.Resolution;
using Registry.Core;
using Registry.Core.Index;
using Registry.Core.Packages;

namespace Registry.Client;

/// <summary>What an install did.</summary>
public sealed record InstallResult(
    IReadOnlyList<LockedPackage> Installed,
    IReadOnlyList<string> Names,
    bool Resolved,
    UpdateResult Update)
{
    /// <summary>Folders removed from <c>packages/</c> because the lock no longer names them.</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];

    /// <summary>The packages whose locked version changed, as (name, old version or null, new version or null), by
    /// name.</summary>
    public IReadOnlyList<(string Name, string? From, string? To)> Changed { get; init; } = [];
}

/// <summary>One package of an install fetched and verified: <paramref name="Done"/> of
/// <paramref name="Total"/>.</summary>
public sealed record InstallProgress(int Done, int Total, string Name, string Version);

/// <summary>
/// <c>registry install</c>: reads the project's <c>registry.json</c> dependencies, uses the
/// lock file when it still satisfies them (else resolves and rewrites it), then fetches every
/// package (verified against the signed metadata, from the cache when present) and extracts
/// each into <c>packages/NAME/</c>. The lock holds exactly the graph of the current dependencies:
/// a package no longer reachable from <c>registry.json</c> leaves the lock, and its folder leaves
/// <c>packages/</c>. Each package comes from the registry its dependent names
/// (<see cref="RegistrySet"/>; docs/protocol.md, "Dependencies across registries"), and the lock
/// records that registry, so a locked install reads exactly the registries it was made with.
/// </summary>
public sealed class ProjectInstaller(RegistryClient client)
{
    /// <summary>The folder, under the project, that holds one folder per installed package.</summary>
    public const string PackagesFolder = "packages";

    /// <summary>Told after each package is fetched (from the cache or the registry), in completion order.</summary>
    public IProgress<InstallProgress>? Progress { get; init; }

    public async Task<InstallResult> InstallAsync(
        string projectDirectory,
        bool locked,
        bool offline,
        CancellationToken cancellationToken)
    {
        var dependencies = ReadDependencies(projectDirectory);
        var lockFile = LockFile.ReadOrNull(projectDirectory);
        using var registries = new RegistrySet(client, offline);
        var before = lockFile?.Packages ?? [];
        var lockHolds = lockFile is not null && lockFile.Satisfies(dependencies, registries.Home);
        var exact = lockHolds ? lockFile!.Reachable(dependencies) : null;
        if (locked && (!lockHolds || exact!.Packages.Count != lockFile!.Packages.Count))
        {
            var problem = lockFile is null ? "does not exist"
                : lockHolds ? "names packages that registry.json no longer depends on"
                : "does not satisfy the dependencies in registry.json";
            throw new ValidationException(Rules.LockOutdated,
                $"{Path.Combine(projectDirectory, LockFile.FileName)} {problem}; "
                + "run 'registry install' without --locked to update it");
        }

        // A dependency removed from registry.json: the lock keeps only what is still reachable,
        // with the same versions, and needs no resolution.
        var pruned = exact is not null && exact.Packages.Count != lockFile!.Packages.Count;
        lockFile = exact ?? lockFile;

        // The lock pins every artifact by sha256: when the cache holds them all, no metadata is
        // needed and the install makes no request at all (a dead or hostile server is harmless).
        if (lockHolds
            && await AllCachedOrNullAsync(lockFile!, cancellationToken).ConfigureAwait(false) is { } cachedArchives)
        {
            var lockedPackages = lockFile!.Packages.ToList();
            ProjectPackages.Extract(projectDirectory, lockedPackages, cachedArchives, client.Limits.Packages);
            if (pruned)
            {
                lockFile.Write(projectDirectory);
            }

            return new InstallResult(
                lockedPackages.Select(p => p.Value).ToList(),
                lockedPackages.Select(p => p.Key).ToList(),
                false,
                new UpdateResult(UpdateStatus.NotNeeded, 0, null, client.Warnings))
            {
                Removed = ProjectPackages.RemoveUnlisted(projectDirectory, lockFile),
                Changed = Changes(before, lockFile.Packages),
            };
        }

        client.ExpectLookups(dependencies.Keys);
        var update = await client.UpdateAsync(offline, cancellationToken).ConfigureAwait(false);
        if (!lockHolds)
        {
            lockFile = await ResolveAsync(registries, dependencies, lockFile, keepPinned: _ => true, cancellationToken)
                .ConfigureAwait(false);
        }

        var result = await ApplyAsync(
            registries,
            projectDirectory,
            lockFile!,
            resolved: !lockHolds,
            write: !lockHolds || pruned,
            update,
            cancellationToken).ConfigureAwait(false);
        return result with { Changed = Changes(before, lockFile!.Packages) };
    }

    /// <summary>
    /// <c>registry update [NAME...]</c>: resolves again ignoring the lock's pins of
    /// <paramref name="names"/> (of every package when empty), keeping every other locked version
    /// where the ranges allow, then installs the result. A name that is neither a dependency nor
    /// locked is refused before anything changes.
    /// </summary>
    public async Task<InstallResult> UpdateAsync(
        string projectDirectory,
        IReadOnlyCollection<string> names,
        bool offline,
        CancellationToken cancellationToken)
    {
        var dependencies = ReadDependencies(projectDirectory);
        var lockFile = LockFile.ReadOrNull(projectDirectory);
        foreach (var name in names)
        {
            if (!dependencies.ContainsKey(name) && lockFile?.Packages.ContainsKey(name) != true)
            {
                var known = dependencies.Keys.Concat(lockFile?.Packages.Keys.AsEnumerable() ?? []);
                throw new ValidationException(Rules.UpdateUnknown,
                    $"'{name}' is not a dependency of {Path.Combine(projectDirectory, "registry.json")} nor locked in "
                    + $"{LockFile.FileName}{NameSuggestions.DidYouMean(NameSuggestions.Closest(name, known))}; "
                    + "'registry update' without names updates every package");
            }
        }

        client.ExpectLookups(dependencies.Keys);
        using var registries = new RegistrySet(client, offline);
        var update = await client.UpdateAsync(offline, cancellationToken).ConfigureAwait(false);
        var free = names.ToHashSet(StringComparer.Ordinal);
        var resolved = await ResolveAsync(
            registries,
            dependencies,
            lockFile,
            keepPinned: name => free.Count > 0 && !free.Contains(name),
            cancellationToken).ConfigureAwait(false);
        var result = await ApplyAsync(
            registries,
            projectDirectory,
            resolved,
            resolved: true,
            write: true,
            update,
            cancellationToken).ConfigureAwait(false);
        return result with { Changed = Changes(lockFile?.Packages ?? [], resolved.Packages) };
    }

    private static List<(string Name, string? From, string? To)> Changes(
        IReadOnlyDictionary<string, LockedPackage> before,
        IReadOnlyDictionary<string, LockedPackage> after) =>
        before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Select(n => (Name: n, From: before.GetValueOrDefault(n)?.Version, To: after.GetValueOrDefault(n)?.Version))
            .Where(c => c.From != c.To)
            .ToList();

    private async Task<LockFile> ResolveAsync(
        RegistrySet registries,
        IReadOnlyDictionary<string, VersionRange> dependencies,
        LockFile? lockFile,
        Func<string, bool> keepPinned,
        CancellationToken cancellationToken)
    {
        var kept = lockFile?.Packages.Where(p => keepPinned(p.Key)).ToList() ?? [];
        var pins = kept.ToDictionary(p => p.Key, p => NuGetVersion.Parse(p.Value.Version), StringComparer.Ordinal);
        var from = kept.ToDictionary(p => p.Key, p => p.Value.Registry ?? registries.Home, StringComparer.Ordinal);
        var resolution = await new Resolver(
            registries.GetIndexAsync,
            registries.Home,
            pins,
            suggest: client.SuggestNamesAsync,
            likelyPick: (_, entry, registry) => FetchEarly(
                    registries,
                    entry,
                    registry,
                    cancellationToken),
            lockedFrom: from)
            .ResolveAsync(dependencies, cancellationToken).ConfigureAwait(false);
        client.Warnings.AddRange(registries.Warnings.Except(client.Warnings));
        return new LockFile
        {
            Packages = new SortedDictionary<string, LockedPackage>(
                resolution.ToDictionary(p => p.Key, p => Lock(p.Value.Entry, p.Value.Registry), StringComparer.Ordinal),
                StringComparer.Ordinal),
        };
    }

    private async Task<InstallResult> ApplyAsync(
        RegistrySet registries,
        string projectDirectory,
        LockFile lockFile,
        bool resolved,
        bool write,
        UpdateResult update,
        CancellationToken cancellationToken)
    {
        var packages = lockFile.Packages.ToList();
        ProjectPackages.Check(projectDirectory, packages);
        var done = 0;
        var archives = await Task.WhenAll(packages.Select(async p =>
        {
            var archive = await FetchAsync(registries, p.Key, p.Value, cancellationToken).ConfigureAwait(false);
            Progress?.Report(
                new InstallProgress(Interlocked.Increment(ref done), packages.Count, p.Key, p.Value.Version));
            return archive;
        })).ConfigureAwait(false);
        ProjectPackages.Extract(projectDirectory, packages, archives, client.Limits.Packages);

        if (write)
        {
            lockFile.Write(projectDirectory);
        }

        return new InstallResult(
            packages.Select(p => p.Value).ToList(),
            packages.Select(p => p.Key).ToList(),
            resolved,
            update)
        {
            Removed = ProjectPackages.RemoveUnlisted(projectDirectory, lockFile),
        };
    }

    /// <summary>Every locked artifact from the cache (checked against the lock's length and sha256), or null if any is
    /// missing.</summary>
    private async Task<byte[][]?> AllCachedOrNullAsync(LockFile lockFile, CancellationToken cancellationToken)
    {
        var archives = new List<byte[]>();
        foreach (var (_, package) in lockFile.Packages)
        {
            if (await client.GetCachedBlobOrNullAsync(package.Sha256, package.Length, cancellationToken)
                .ConfigureAwait(false) is not { } cached)
            {
                return null;
            }

            archives.Add(cached);
        }

        return [.. archives];
    }

    /// <summary>
    /// Starts fetching the artifact of a version the resolver will likely pick, as soon as its
    /// verified index arrives, so that downloads overlap the rest of the resolution instead of
    /// following it. The bytes are checked against the same signed entry as any other fetch; one the
    /// final resolution does not pick is only kept in the cache (by its sha256).
    /// </summary>
    private void FetchEarly(
        RegistrySet registries,
        IndexEntry entry,
        RegistryPin registry,
        CancellationToken cancellationToken)
    {
        _early.GetOrAdd(entry.Sha256.ToLowerInvariant(), sha256 =>
        {
            var fetch = Task.Run(async () => await (await registries.ClientForAsync(
                registry,
                cancellationToken).ConfigureAwait(false)).GetArtifactAsync(entry, cancellationToken)
                    .ConfigureAwait(false), cancellationToken);
            // Observed here: a fetch for a version the resolution does not pick must not fault unobserved.
            _ = fetch.ContinueWith(
                static t => _ = t.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return fetch;
        });
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<byte[]>> _early = new(
        StringComparer.Ordinal);

    /// <summary>A locked package's verified bytes: from the cache by hash, else through the signed metadata.</summary>
    private async Task<byte[]> FetchAsync(
        RegistrySet registries,
        string name,
        LockedPackage package,
        CancellationToken cancellationToken)
    {
        if (_early.TryGetValue(package.Sha256.ToLowerInvariant(), out var early))
        {
            // Fetched from the entry of this sha256 in the verified index, and checked against it.
            var bytes = await early.ConfigureAwait(false);
            if (Core.Tuf.Hashing.ContentMatches(bytes, package.Length, package.Sha256))
            {
                return bytes;
            }
        }

        if (await client.GetCachedBlobOrNullAsync(package.Sha256, package.Length, cancellationToken)
            .ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        // From the registry the lock names (a lock written before it: the project's source), pinned by its root.
        var source = await registries.ClientForAsync(package.Registry, cancellationToken).ConfigureAwait(false);
        var index = await source.GetIndexAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryException(
                $"{name} is locked at {package.Version} but the registry {source.Source.Url} has no such package");
        var entry = index.Versions
            .FirstOrDefault(v => NuGetVersion.Parse(v.Version) == NuGetVersion.Parse(package.Version))
            ?? throw new RegistryException($"{name} {package.Version} is locked but not in the registry's index");
        if (!Core.Tuf.Hashing.HexEquals(entry.Sha256, package.Sha256))
        {
            throw new VerificationException($"{name} {package.Version}: the lock file's sha256 differs from the "
                + "registry's signed index; the lock file was edited or the registry is not the one it was made with");
        }

        return await source.GetArtifactAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private static LockedPackage Lock(IndexEntry entry, RegistryPin registry) => new()
    {
        Registry = registry,
        DependencyRegistries = entry.DependencyRegistries is { } pins
            ? new SortedDictionary<string, RegistryPin>(pins.ToDictionary(), StringComparer.Ordinal)
            : null,
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
            throw new EnvironmentException($"{path}: no registry.json; a project lists its dependencies there: "
                + $"{{\"dependencies\": {{\"name\": \"[1.0.0, 2.0.0)\"}}}}");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var result = new SortedDictionary<string, VersionRange>(StringComparer.Ordinal);
            if (document.RootElement.TryGetProperty("dependencies", out var dependencies)
                && dependencies.ValueKind == JsonValueKind.Object)
            {
                foreach (var dependency in dependencies.EnumerateObject())
                {
                    if (PackageName.Problem(dependency.Name) is { } problem)
                    {
                        throw new ValidationException(Rules.NameInvalid, $"{path}: dependency name "
                            + $"{JsonSerializer.Serialize(dependency.Name, Resolution.LockJsonContext.Default.String)} "
                            + $"{problem}; a package name is {PackageName.Rule}");
                    }

                    if (dependency.Value.ValueKind != JsonValueKind.String
                        || !VersionRange.TryParse(dependency.Value.GetString()!, out var range))
                    {
                        var hint = dependency.Value.ValueKind == JsonValueKind.String
                            ? RangeSyntax.Hint(dependency.Value.GetString()!)
                            : "a range is a string";
                        throw new ValidationException(Rules.DependencyInvalid, $"{path}: dependency "
                            + $"'{dependency.Name}': {dependency.Value.GetRawText()} is not a NuGet version range; "
                            + $"{hint}");
                    }

                    result[dependency.Name] = range;
                }
            }

            return result;
        }
        catch (JsonException e)
        {
            throw new ValidationException(Rules.ManifestJson, $"{path}: not valid JSON ({JsonProblem.Describe(e)})");
        }
    }
}
