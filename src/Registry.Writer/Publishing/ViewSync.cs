using Registry.Core.Keys.Internal;
using Registry.Core.Packages;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Views;

namespace Registry.Core.Publishing;

/// <summary>
/// Brings a registry's derived views up to its signed index: after each commit (the writer
/// calls it with the packages the commit touched), and for <c>registry sync</c> (every package,
/// or some). Each view enabled in the registry's settings runs in turn, each from the store's
/// verified state; a view that fails does not stop the others, and the failure is rethrown
/// after them, naming the repair. Needs no key.
/// </summary>
public sealed class ViewSync(IObjectStore store, IReadOnlyList<IRegistryView> views, TimeProvider time)
{
    /// <summary>
    /// Syncs the enabled views (only <paramref name="only"/> when given) for <paramref name="names"/>
    /// (every package when null; none, for a commit that changed no package, so that views with
    /// registry-wide pages, such as a status panel, follow it).
    /// </summary>
    public async Task<IReadOnlyList<ViewSyncStats>> SyncAsync(
        RegistrySettings settings,
        IReadOnlyCollection<string>? names,
        CancellationToken cancellationToken,
        string? only = null,
        IReadOnlyDictionary<string, byte[]>? known = null,
        IReadOnlyDictionary<string, PackageManifest>? published = null)
    {
        if (only is not null && views.All(v => v.Name != only))
        {
            throw ViewNames.Unknown(only, views);
        }

        var context = new ViewContext
        {
            Store = store,
            BaseUrl = settings.NuGetUrl,
            CachePolicy = settings.CachePolicy,
            LoadState = ct => SigningState.LoadAsync(store, ct),
            Time = time,
            KnownArtifacts = known ?? new Dictionary<string, byte[]>(StringComparer.Ordinal),
            Published = published ?? new Dictionary<string, PackageManifest>(StringComparer.Ordinal),
            EnabledViews = [.. views.Where(v => v.IsEnabled(settings)).Select(v => v.Name)],
        };

        var results = new List<ViewSyncStats>();
        var failures = new List<RegistryException>();
        foreach (var view in views.Where(v => (only ?? v.Name) == v.Name))
        {
            if (!view.IsEnabled(settings))
            {
                if (only is not null)
                {
                    throw new EnvironmentException(Rules.ViewOff, $"{store.Location}: the {only} view is off in this "
                        + $"registry's settings; turn it on with 'registry settings --store {store.Location} "
                        + $"{view.EnableOption}' (nothing was written)");
                }

                continue;
            }

            try
            {
                results.Add(await view.SyncAsync(context, names, cancellationToken).ConfigureAwait(false));
            }
            catch (RegistryException e) when (names is not null)
            {
                failures.Add(e);
            }
        }

        if (failures.Count > 0)
        {
            throw failures.Count == 1
                ? failures[0]
                : new RegistryException(
                    string.Join("; ", failures.Select(f => f.Message)),
                    failures.Max(f => f.ExitCode));
        }

        return results;
    }
}
