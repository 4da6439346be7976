using NuGet.Versioning;
using Registry.Core;
using Registry.Core.Index;

namespace Registry.Client.Resolution;

/// <summary>A chosen version of a package, the index entry it came from, and the registry that index is in.</summary>
public sealed record ResolvedPackage(string Name, NuGetVersion Version, IndexEntry Entry, RegistryPin Registry);

/// <summary>
/// Resolves a dependency graph: for each package the highest version that satisfies every
/// range asking for it, backtracking when a choice leads to a conflict. Yanked versions are
/// skipped unless the lock file already pins them. A pre-release satisfies only a range that
/// names a pre-release of the same MAJOR.MINOR.PATCH itself (cargo's rule, <see cref="Allows"/>),
/// so one package asking for <c>[2.0.0-beta.1, 3.0.0)</c> never makes another package's
/// <c>[1.0.0, 2.0.0)</c> take 2.0.0-beta.1.
/// Deterministic: the same indexes and ranges give the same result.
/// Every name is looked up in one registry (docs/protocol.md, "Dependencies across registries"): a
/// project's own dependencies in <paramref name="home"/>, a dependency that an index entry pins to
/// another registry (<see cref="IndexEntry.DependencyRegistries"/>) there, and any other dependency
/// in its dependent's own registry, never in another source: publishing a name to a public registry
/// cannot change what a private package's dependency resolves to. One name required from two
/// registries is a conflict (a project installs one package per name).
/// </summary>
/// <param name="indexOf">The verified index of a name in a registry (<see cref="RegistrySet.GetIndexAsync"/>), null
/// when there is none.</param>
/// <param name="home">The registry the project's own dependencies come from (<see cref="RegistrySet.Home"/>).</param>
/// <param name="locked">Versions the lock file pins: preferred, and allowed even when yanked, in the registry the lock
/// names (<paramref name="lockedFrom"/>; absent: any).</param>
/// <param name="maxSteps">Bound on backtracking.</param>
/// <param name="suggest">Names close to a missing one, for "did you mean" (<see
/// cref="RegistryClient.SuggestNamesAsync"/>).</param>
/// <param name="likelyPick">
/// Told, as each index arrives, the version the solver will most likely pick (see <see cref="Expect"/>),
/// so that its artifact can be fetched while the rest of the graph resolves; the final pick may differ.
/// </param>
public sealed class Resolver(
    Func<string, RegistryPin, CancellationToken, Task<PackageIndex?>> indexOf,
    RegistryPin home,
    IReadOnlyDictionary<string, NuGetVersion>? locked = null,
    int maxSteps = 100_000,
    Func<string, CancellationToken, Task<IReadOnlyList<string>>>? suggest = null,
    Action<string, IndexEntry, RegistryPin>? likelyPick = null,
    IReadOnlyDictionary<string, RegistryPin>? lockedFrom = null)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<PackageIndex?>> _indexes = new(
        StringComparer.Ordinal);
    private readonly Dictionary<string, List<VersionRange>> _asked = new(StringComparer.Ordinal);
    private int _steps;
    private CancellationToken _cancellation;

    public async Task<IReadOnlyDictionary<string, ResolvedPackage>> ResolveAsync(
        IReadOnlyDictionary<string, VersionRange> dependencies,
        CancellationToken cancellationToken)
    {
        _cancellation = cancellationToken;
        var requirements = dependencies.Select(d => new Requirement(d.Key, d.Value, "the project", home)).ToList();
        foreach (var requirement in requirements)
        {
            Expect(requirement.Name, requirement.Registry, requirement.Range);
        }

        var result = await SolveAsync(
            new Dictionary<string, ResolvedPackage>(StringComparer.Ordinal),
            requirements,
            cancellationToken).ConfigureAwait(false);
        return result ?? throw (_lastConflictRule is { } rule
            ? new ResolutionException(rule, _lastConflict!)
            : new ResolutionException(_lastConflict ?? "no combination of versions satisfies every range"));
    }

    private string? _lastConflict;
    private string? _lastConflictRule;

    private async Task<Dictionary<string, ResolvedPackage>?> SolveAsync(
        Dictionary<string, ResolvedPackage> chosen,
        List<Requirement> requirements,
        CancellationToken cancellationToken)
    {
        if (++_steps > maxSteps)
        {
            throw new ResolutionException(
                $"gave up after {maxSteps} resolution steps; pin some versions in the project's ranges");
        }

        // Every requirement on a chosen package must hold; the first open one is decided next.
        foreach (var requirement in requirements)
        {
            if (chosen.TryGetValue(requirement.Name, out var picked)
                && (!Allows(requirement.Range, picked.Version) || requirement.Registry != picked.Registry))
            {
                _lastConflict = Explain(requirement.Name, requirements);
                return null;
            }
        }

        var open = requirements.Select(r => r.Name).Where(n => !chosen.ContainsKey(n)).Distinct()
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        if (open is null)
        {
            return chosen;
        }

        var ranges = requirements.Where(r => r.Name == open).ToList();
        if (ranges.Select(r => r.Registry).Distinct().Count() > 1)
        {
            _lastConflict = Explain(open, requirements);
            return null;
        }

        var registry = ranges[0].Registry;
        var index = await IndexAsync(open, registry).ConfigureAwait(false);
        if (index is null)
        {
            var suggestions = suggest is null || registry != home
                ? []
                : await suggest(open, cancellationToken).ConfigureAwait(false);
            var where = registry == home ? "" : " " + registry.Url;
            var requiredBy = string.Join(", ", ranges.Select(r => r.By).Distinct());
            throw new ResolutionException($"'{open}' is not in the registry{where} (required by "
                + $"{requiredBy}){NameSuggestions.DidYouMean(suggestions)}");
        }

        var candidates = Candidates(open, registry, index, ranges).ToList();
        if (candidates.Count == 0)
        {
            _lastConflict = Explain(open, requirements, index);
            return null;
        }

        foreach (var (version, entry) in candidates)
        {
            var dependencies = DependenciesOf(entry, registry, $"{open} {version.ToNormalizedString()}");
            foreach (var dependency in dependencies)
            {
                Expect(dependency.Name, dependency.Registry, dependency.Range);
            }

            var next = new Dictionary<string, ResolvedPackage>(chosen, StringComparer.Ordinal) {
                [open] = new ResolvedPackage(open, version, entry, registry) };
            var solved = await SolveAsync(next, [.. requirements, .. dependencies], cancellationToken).ConfigureAwait(
                false);
            if (solved is not null)
            {
                return solved;
            }
        }

        return null;
    }

    /// <summary>An entry's dependencies, each in the registry its entry pins, else in <paramref name="registry"/> (its
    /// own).</summary>
    private static List<Requirement> DependenciesOf(IndexEntry entry, RegistryPin registry, string by) =>
        [.. entry.Dependencies.Select(d => new Requirement(
            d.Key,
            VersionRange.Parse(d.Value),
            by,
            entry.DependencyRegistries?.GetValueOrDefault(d.Key) ?? registry))];

    private IEnumerable<(NuGetVersion Version, IndexEntry Entry)> Candidates(
        string name,
        RegistryPin registry,
        PackageIndex index,
        List<Requirement> ranges)
    {
        var pinned = lockedFrom?.GetValueOrDefault(name) is { } from && from != registry
            ? null
            : locked?.GetValueOrDefault(name);
        return index.Versions
            .Select(e => (Version: NuGetVersion.Parse(e.Version), Entry: e))
            .Where(c => ranges.All(r => Allows(r.Range, c.Version)))
            .Where(c => c.Version == pinned || !c.Entry.Yanked)
            .OrderByDescending(c => c.Version == pinned)
            .ThenByDescending(c => c.Version);
    }

    /// <summary>
    /// Whether <paramref name="version"/> satisfies <paramref name="range"/> under cargo's
    /// pre-release rule: a release version as NuGet says; a pre-release only when a bound of the
    /// range is itself a pre-release of the same MAJOR.MINOR.PATCH (<c>[2.0.0-beta.1, 3.0.0)</c>
    /// accepts 2.0.0-beta.2 but neither 2.1.0-rc.1 nor, through <c>[1.0.0, 2.0.0)</c>, 2.0.0-beta.1).
    /// </summary>
    public static bool Allows(VersionRange range, NuGetVersion version) =>
        range.Satisfies(version)
        && (!version.IsPrerelease || NamesPrereleaseOf(range.MinVersion, version)
            || NamesPrereleaseOf(range.MaxVersion, version));

    private static bool NamesPrereleaseOf(NuGetVersion? bound, NuGetVersion version) =>
        bound is { IsPrerelease: true } && bound.Major == version.Major && bound.Minor == version.Minor
            && bound.Patch == version.Patch;

    private string Explain(string name, List<Requirement> requirements, PackageIndex? index = null)
    {
        var asks = requirements.Where(
            r => r.Name == name).Select(r => $"{r.By} requires {name} "
                + $"{r.Range.PrettyPrint()}{(r.Registry == home ? "" : " from " + r.Registry.Url)}").Distinct();
        if (requirements.Where(r => r.Name == name).Select(r => r.Registry).Distinct().Count() > 1)
        {
            _lastConflictRule = Rules.DependencyRegistryConflict;
            return $"cannot satisfy {name}: it is required from different registries ({string.Join("; ", asks)}), "
                + "and a project installs one package per name";
        }

        _lastConflictRule = null;
        var available = index is null ? "" : "; available: " + string.Join(", ", index.Versions
            .Select(v => v.Yanked ? v.Version + " (yanked)" : v.Version)
            .DefaultIfEmpty("none"));
        return $"cannot satisfy {name}: {string.Join("; ", asks)}{available}";
    }

    /// <summary>The index of a name in a registry: the fetch already in flight (or done) for it, else a new
    /// one.</summary>
    private Task<PackageIndex?> IndexAsync(string name, RegistryPin registry)
    {
        Expect(name, registry, null);
        return _indexes[Key(name, registry)];
    }

    private static string Key(string name, RegistryPin registry) => $"{registry.Url}#{registry.RootSha256}\n{name}";

    /// <summary>
    /// Breadth-first look-ahead, with the whole frontier in flight: a name some range asks for is
    /// fetched at once, and as each index arrives the dependencies of the version the solver will
    /// most likely pick (the highest one every range asked so far allows; the locked one first) are
    /// fetched at once too, bins and index documents together, instead of one package at a time as
    /// the depth-first solver reaches them. A graph of depth d costs d round trips of bin and index,
    /// whatever its width. The look-ahead only decides what is fetched early: the solver picks
    /// versions exactly as before, and a fetch it never asks for neither fails it nor changes it.
    /// </summary>
    private void Expect(string name, RegistryPin registry, VersionRange? range)
    {
        var key = Key(name, registry);
        lock (_asked)
        {
            if (!_asked.TryGetValue(key, out var ranges))
            {
                _asked[key] = ranges = [];
            }

            if (range is not null)
            {
                ranges.Add(range);
            }
        }

        _indexes.GetOrAdd(key, __ =>
        {
            var fetch = FetchAndLookAheadAsync(name, registry, _cancellation);
            // Observed here: a look-ahead the solver never awaits must not fault unobserved.
            _ = fetch.ContinueWith(
                static t => _ = t.Exception,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return fetch;
        });
    }

    private async Task<PackageIndex?> FetchAndLookAheadAsync(
        string name,
        RegistryPin registry,
        CancellationToken cancellationToken)
    {
        await Task.Yield();
        var index = await IndexOfAsync(name, registry, cancellationToken).ConfigureAwait(false);
        if (index is not null && LikelyPick(name, registry, index) is { } likely)
        {
            // The dependencies first: their lookups are the next round trip of the resolution.
            foreach (var dependency in DependenciesOf(likely, registry, ""))
            {
                Expect(dependency.Name, dependency.Registry, dependency.Range);
            }

            likelyPick?.Invoke(name, likely, registry);
        }

        return index;
    }

    private IndexEntry? LikelyPick(string name, RegistryPin registry, PackageIndex index)
    {
        List<VersionRange> ranges;
        lock (_asked)
        {
            ranges = [.. _asked.GetValueOrDefault(Key(name, registry)) ?? []];
        }

        return Candidates(name, registry, index, [.. ranges.Select(r => new Requirement(name, r, "", registry))])
            .Select(c => c.Entry)
            .FirstOrDefault();
    }

    /// <summary>
    /// The index looked up at NAME's normalised path. Another spelling of a published name is
    /// one package to the registry; the resolver asks for the published spelling so that lock
    /// files and <c>packages/</c> folders have one name per package.
    /// </summary>
    private async Task<PackageIndex?> IndexOfAsync(
        string name,
        RegistryPin registry,
        CancellationToken cancellationToken)
    {
        var index = await indexOf(name, registry, cancellationToken).ConfigureAwait(false);
        if (index is not null && index.Name != name)
        {
            throw new ResolutionException(Rules.DependencySpelling, $"'{name}' is published as '{index.Name}' (names "
                + $"that differ only in '-', '_', '.' are one package); write it as '{index.Name}'");
        }

        return index;
    }

    private sealed record Requirement(string Name, VersionRange Range, string By, RegistryPin Registry);
}

/// <summary>No set of versions satisfies the ranges; the message says which packages asked for what.</summary>
public sealed class ResolutionException : RegistryException
{
    public ResolutionException(string message) : base(message, 1) { }

    public ResolutionException(string rule, string message) : base(rule, message) { }

    public ResolutionException() : this("resolution failed") { }

    public ResolutionException(string message, Exception inner) : base(message, 1, inner) { }
}
