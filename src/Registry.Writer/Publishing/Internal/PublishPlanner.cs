using NuGet.Versioning;
using Registry.Core.Index;
using Registry.Core.Packages;
using Registry.Core.Settings;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// Plans a publish against one state: the registry-level rules (name collisions, immutable
/// versions, satisfiable dependencies), then the new artifacts and index documents. Throws
/// <see cref="ValidationException"/> before anything is written.
/// </summary>
internal sealed class PublishPlanner(IReadOnlyList<PackageFile> packages, PublishOptions options, TimeProvider time)
{
    /// <summary>The publishing registry's settings: its known registries turn a manifest's registry alias into a signed
    /// pin.</summary>
    public RegistrySettings Settings { get; init; } = new();

    /// <summary>The rule a dependency breaks when it names a registry the publishing registry does not know.</summary>
    public const string RegistryUnknownRule = Rules.DependencyRegistryUnknown;

    public async Task<(ChangeSet, IReadOnlyList<PackageOutcome>)> PlanAsync(
        RegistryState state,
        CancellationToken cancellationToken)
    {
        var batch = Deduplicate(packages);
        // Each index (and so each bin) is read at most once per attempt, keyed by normalised name.
        var indexes = new Dictionary<string, PackageIndex?>(StringComparer.Ordinal);
        async Task<PackageIndex?> IndexOf(string name)
        {
            var key = PackageName.Normalize(name);
            if (!indexes.TryGetValue(key, out var index))
            {
                indexes[key] = index = await state.ReadIndexOrNullAsync(name, cancellationToken).ConfigureAwait(false);
            }

            return index;
        }

        var outcomes = new List<PackageOutcome>();
        var fresh = new List<(PackageFile File, string Sha256)>();
        foreach (var package in batch)
        {
            var manifest = package.Manifest;
            var file = Path.GetFileName(package.SourcePath);
            // One lookup answers both questions: the index at the normalised name is owned by
            // the spelling it names, and it lists the versions already published.
            var index = await IndexOf(manifest.Name).ConfigureAwait(false);
            if (index is not null && index.Name != manifest.Name)
            {
                throw new ValidationException(Rules.NameCollision,
                    $"{file}: the name '{manifest.Name}' collides with the existing package '{index.Name}' (names that "
                    + $"differ only in '-', '_', '.' are the same name); publish it as '{index.Name}' or choose "
                    + "another name");
            }

            var sha256 = Tuf.Hashing.Sha256Hex(package.Content);
            var existing = index?.Versions.FirstOrDefault(v => NuGetVersion.Parse(v.Version) == manifest.Version);
            if (existing is not null)
            {
                if (!Tuf.Hashing.HexEquals(existing.Sha256, sha256))
                {
                    throw new ValidationException(Rules.VersionImmutable,
                        $"{file}: {manifest.Name} {existing.Version} is already published with different contents "
                        + $"(sha256 {existing.Sha256[..16]}...); a published version never changes: bump the version");
                }

                outcomes.Add(new PackageOutcome(
                    manifest.Name,
                    existing.Version,
                    PublishStatus.AlreadyPublished,
                    sha256,
                    existing.Length,
                    existing.Artifact));
                continue;
            }

            fresh.Add((package, sha256));
        }

        // Every pin is found before anything is planned: an unknown registry writes nothing.
        var pins = fresh.ToDictionary(f => f.File, f => PinsOf(f.File));
        if (!options.SkipDependencyCheck)
        {
            foreach (var (package, _) in fresh)
            {
                await CheckDependenciesAsync(package, fresh.Select(f => f.File.Manifest).ToList(), IndexOf)
                    .ConfigureAwait(false);
            }
        }

        var changes = new ChangeSet();
        var published = time.GetUtcNow();
        published = new DateTimeOffset(
            published.Year,
            published.Month,
            published.Day,
            published.Hour,
            published.Minute,
            published.Second,
            TimeSpan.Zero);
        foreach (var group in fresh.GroupBy(f => f.File.Manifest.Name, StringComparer.Ordinal))
        {
            var name = group.Key;
            var index = await IndexOf(name).ConfigureAwait(false);
            var entries = index?.Versions.ToList() ?? [];
            foreach (var (package, sha256) in group)
            {
                var manifest = package.Manifest;
                var artifactPath = RegistryLayout.ArtifactPath(name, manifest.Version, package.FileExtension);
                var info = changes.AddArtifact(artifactPath, package.Content);
                entries.Add(new IndexEntry
                {
                    Version = manifest.Version.ToFullString(),
                    Dependencies = manifest.Dependencies
                        .ToDictionary(d => d.Key, d => d.Value.ToNormalizedString(), StringComparer.Ordinal),
                    DependencyRegistries = pins[package],
                    Artifact = artifactPath,
                    Length = info.Length,
                    Sha256 = sha256,
                    Published = published,
                    Description = manifest.Description,
                    License = manifest.License,
                    Authors = manifest.Authors.Count == 0 ? null : manifest.Authors,
                    Homepage = manifest.Homepage,
                    Repository = manifest.Repository,
                    NuGet = manifest.NuGet is { } nuget ? NuGetEntry.Of(nuget) : null,
                });
                outcomes.Add(new PackageOutcome(
                    name,
                    manifest.Version.ToFullString(),
                    PublishStatus.Published,
                    sha256,
                    info.Length,
                    artifactPath));
            }

            entries.Sort((a, b) => NuGetVersion.Parse(a.Version).CompareTo(NuGetVersion.Parse(b.Version)));
            changes.AddTarget(
                state.Bins,
                RegistryLayout.IndexPath(name),
                IndexJson.Serialize(new PackageIndex { Name = name, Versions = entries }));
        }

        return (changes, outcomes);
    }

    private static async Task CheckDependenciesAsync(
        PackageFile package,
        IReadOnlyList<PackageManifest> batch,
        Func<string, Task<PackageIndex?>> indexOf)
    {
        var file = Path.GetFileName(package.SourcePath);
        foreach (var (dependency, range) in package.Manifest.Dependencies)
        {
            // In another registry: publish runs offline and cannot see it; the client resolves it there.
            if (package.Manifest.DependencyRegistries.ContainsKey(dependency))
            {
                continue;
            }

            var index = await indexOf(dependency).ConfigureAwait(false);
            var batchOwner = batch.FirstOrDefault(
                m => PackageName.Normalize(m.Name) == PackageName.Normalize(dependency))?.Name;
            if ((index?.Name ?? batchOwner) is { } owner && owner != dependency)
            {
                throw new ValidationException(Rules.DependencySpelling,
                    $"{file}: depends on '{dependency}', which is published as '{owner}' (names that differ only in "
                    + $"'-', '_', '.' are one package); write the dependency as '{owner}'");
            }

            var available = (index?.Versions.Where(v => !v.Yanked).Select(v => NuGetVersion.Parse(v.Version)) ?? [])
                .Concat(batch.Where(m => m.Name == dependency).Select(m => m.Version))
                .ToList();
            // NuGet restores across every source it is given, so a .nupkg may depend on packages
            // this registry does not have (from nuget.org, say); what the registry has must still fit.
            if (index is null && available.Count == 0 && package.Manifest.NuGet is not null)
            {
                continue;
            }

            if (index is null && available.Count == 0)
            {
                throw new ValidationException(Rules.DependencyUnknown,
                    $"{file}: depends on '{dependency}', which is not in the registry; publish it first (or in the "
                    + "same command)");
            }

            if (!available.Any(range.Satisfies))
            {
                var versions = available.Order().Select(v => v.ToNormalizedString()).DefaultIfEmpty("none");
                throw new ValidationException(Rules.DependencyUnsatisfiable,
                    $"{file}: depends on {dependency} {range.ToNormalizedString()}, but no published, unyanked version "
                    + $"satisfies it (available: {string.Join(", ", versions)})");
            }
        }
    }

    /// <summary>
    /// The signed pins of a package's dependencies in other registries, from the registries this
    /// registry's operator configured (never learnt at publish time); null when it has none.
    /// </summary>
    private SortedDictionary<string, RegistryPin>? PinsOf(PackageFile package)
    {
        if (package.Manifest.DependencyRegistries.Count == 0)
        {
            return null;
        }

        var pins = new SortedDictionary<string, RegistryPin>(StringComparer.Ordinal);
        foreach (var (dependency, reference) in package.Manifest.DependencyRegistries)
        {
            var known = Settings.KnownRegistries ?? new Dictionary<string, RegistryPin>();
            var pin = Settings.KnownRegistryOrNull(reference) ?? throw new ValidationException(RegistryUnknownRule,
                $"{Path.GetFileName(package.SourcePath)}: dependency '{dependency}' names the registry '{reference}', "
                + "which this registry does not know "
                + $"(known: {string.Join(", ", known.Keys.Order(StringComparer.Ordinal).DefaultIfEmpty("none"))}); a "
                + "dependency may name only a registry the operator configured "
                + "with its root sha256: 'registry settings --known-registry NAME=URL#ROOT_SHA256'");
            if (RegistryPin.Problem(pin) is { } problem)
            {
                throw new EnvironmentException(RegistryPin.Rule, $"{RegistrySettings.Key}: known registry "
                    + $"'{reference}' {problem}; fix it with 'registry settings --known-registry'");
            }

            pins[dependency] = pin;
        }

        return pins;
    }

    /// <summary>The batch without exact repeats; the same name and version with other bytes is refused.</summary>
    private static List<PackageFile> Deduplicate(IReadOnlyList<PackageFile> packages)
    {
        var seen = new Dictionary<(string, NuGetVersion), PackageFile>();
        var byNormalized = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<PackageFile>();
        foreach (var package in packages)
        {
            var manifest = package.Manifest;
            var normalized = PackageName.Normalize(manifest.Name);
            if (byNormalized.TryGetValue(normalized, out var other) && other != manifest.Name)
            {
                throw new ValidationException(Rules.NameCollision,
                    $"{Path.GetFileName(package.SourcePath)}: the name '{manifest.Name}' collides with '{other}' in "
                    + "the same batch (names that differ only in case or in '-', '_', '.' are the same name)");
            }

            byNormalized[normalized] = manifest.Name;
            if (seen.TryGetValue((manifest.Name, manifest.Version), out var first))
            {
                if (!first.Content.AsSpan().SequenceEqual(package.Content))
                {
                    throw new ValidationException(Rules.VersionImmutable,
                        $"{Path.GetFileName(package.SourcePath)}: {manifest.Name} {manifest.Version} appears twice in "
                        + $"the batch with different contents ({Path.GetFileName(first.SourcePath)})");
                }

                continue;
            }

            seen[(manifest.Name, manifest.Version)] = package;
            result.Add(package);
        }

        return result;
    }
}
