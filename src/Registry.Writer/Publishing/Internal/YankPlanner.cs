using NuGet.Versioning;
using Registry.Core.Index;
using Registry.Core.Packages;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// Plans a yank (or its undo): a new index document with the version's yanked state and
/// reason changed. The artifact stays: a yanked version still installs from a lock file,
/// it is only skipped by new resolutions (as crates.io and Hex do).
/// </summary>
internal sealed class YankPlanner(string name, string version, string? reason, bool undo)
{
    /// <summary>Whether the package has NuGet versions (known once planned): its NuGet view changes too.</summary>
    public bool IsNuGet { get; private set; }

    public async Task<(ChangeSet, YankStatus)> PlanAsync(RegistryState state, CancellationToken cancellationToken)
    {
        if (PackageName.Problem(name) is { } problem)
        {
            throw new ValidationException(
                Rules.NameInvalid,
                $"package name '{name}' {problem}; names are {PackageName.Rule}");
        }

        if (!NuGetVersion.TryParse(version, out var parsed))
        {
            throw new ValidationException(Rules.VersionInvalid, $"'{version}' is not a SemVer 2.0 version");
        }

        var index = await state.ReadIndexOrNullAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new ValidationException(Rules.PackageUnknown, $"no package '{name}' in the registry");
        if (index.Name != name)
        {
            throw new ValidationException(
                Rules.PackageUnknown,
                $"no package '{name}' in the registry; it is published as '{index.Name}'");
        }
        var entry = index.Versions.FirstOrDefault(v => NuGetVersion.Parse(v.Version) == parsed)
            ?? throw new ValidationException(Rules.VersionUnknown,
                $"{name} has no version {version} (published: "
                + $"{string.Join(", ", index.Versions.Select(v => v.Version))})");

        IsNuGet = index.Versions.Any(v => v.NuGet is not null);
        var yanked = !undo;
        var newReason = yanked ? reason : null;
        var changes = new ChangeSet();
        if (entry.Yanked == yanked && entry.YankedReason == newReason)
        {
            return (changes, YankStatus.Unchanged);
        }

        var versions = index.Versions.Select(v => v == entry ? v with { Yanked = yanked, YankedReason = newReason } : v)
            .ToList();
        changes.AddTarget(
            state.Bins,
            RegistryLayout.IndexPath(name),
            IndexJson.Serialize(index with { Versions = versions }));
        return (changes, yanked ? YankStatus.Yanked : YankStatus.Unyanked);
    }
}
