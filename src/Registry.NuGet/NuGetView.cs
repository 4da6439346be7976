using Registry.Core.Index;
using Registry.Core.Packages;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Views;

namespace Registry.Core.NuGet;

/// <summary>
/// The NuGet v3 feed as a derived view (docs/nuget.md): on when the registry's settings name
/// the URL it is served at (<c>registry settings --nuget-url</c>), whose absolute URLs its
/// service index and registrations carry. Packages without NuGet versions have no feed files.
/// <paramref name="moreResources"/>: further service-index entries for this sync (another view's
/// services, such as search; the composition root, not this view, knows which views are on).
/// </summary>
public sealed class NuGetView(
    Func<ViewContext, IReadOnlyList<NuGetServiceResource>>? moreResources = null) : IRegistryView
{
    public const string ViewName = "nuget";

    public string Name => ViewName;

    public bool IsEnabled(RegistrySettings settings) => settings.NuGetUrl is not null;

    public string EnableOption => "--nuget-url https://cdn.example/registry/";

    public void CheckPublishable(IReadOnlyList<PackageFile> packages, RegistrySettings settings, string storeLocation)
    {
        if (settings.NuGetUrl is null && packages.FirstOrDefault(p => p.Manifest.NuGet is not null) is { } nupkg)
        {
            throw new EnvironmentException(
                Rules.NuGetUrl,
                $"{Path.GetFileName(nupkg.SourcePath)}: a .nupkg is served through the registry's NuGet feed, whose "
                + "URLs need the address the registry is served at; set it once with 'registry settings --store "
                + $"{storeLocation} --nuget-url https://cdn.example/registry/' (nothing was published)");
        }
    }

    public async Task<ViewSyncStats> SyncAsync(
        ViewContext context,
        IReadOnlyCollection<string>? names,
        CancellationToken cancellationToken)
    {
        var url = context.BaseUrl ?? throw new EnvironmentException(
            Rules.NuGetUrl,
            $"{context.Store.Location}: has no NuGet URL; set it with 'registry settings --store "
            + $"{context.Store.Location} --nuget-url https://cdn.example/registry/'");
        if (names is null)
        {
            var state = await context.LoadState(cancellationToken).ConfigureAwait(false);
            var all = new List<string>();
            await foreach (var walked in state.WalkAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                all.Add(walked.Index.Name);
            }

            names = all;
        }

        // A publish of packages none of which is a .nupkg has nothing for the feed: no read at all.
        if (names.Count == 0
            || names.All(n => context.Published.TryGetValue(n, out var manifest) && manifest.NuGet is null))
        {
            return new ViewSyncStats(ViewName, 0, 0, 0, 0);
        }

        var writer = new NuGetFeedWriter(context.Store, url, context.CachePolicy, moreResources?.Invoke(context));
        return await writer.SyncAsync(names, context.LoadState, context.KnownArtifacts, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<IViewAudit> OpenAuditAsync(
        IObjectReader reader,
        RegistrySettings settings,
        ViewFindings findings,
        CancellationToken cancellationToken) =>
        await NuGetFeedAuditor.OpenAsync(reader, findings, cancellationToken).ConfigureAwait(false);
}
