using Registry.Core.Packages;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Views;
using Registry.Search.Internal;

namespace Registry.Search;

/// <summary>
/// The static search index (docs/search.md): shards at <c>search/v1/shards/KEY.json</c>, one per
/// first three letters or digits of a word, each bounded to <see cref="SearchShard.MaxBytes"/>, so
/// a query reads at most three files and 100 KB; a publish rewrites only the shards its package's
/// old and new words fall in. With a NuGet URL it also writes NuGet's search answers
/// (<see cref="NuGetSearch"/>). Turned on by <c>registry settings --search on</c>.
/// </summary>
public sealed class SearchView : IRegistryView
{
    public const string ViewName = "search";

    public string Name => ViewName;

    public bool IsEnabled(RegistrySettings settings) => settings.Search;

    /// <summary>The <c>registry settings</c> option that turns the view on, for messages (IRegistryView.EnableOption on
    /// the lead's branch).</summary>
    public string EnableOption => "--search on";

    /// <summary>Search can index every package: nothing to refuse.</summary>
    public void CheckPublishable(IReadOnlyList<PackageFile> packages, RegistrySettings settings, string storeLocation)
    {
    }

    public Task<ViewSyncStats> SyncAsync(
        ViewContext context,
        IReadOnlyCollection<string>? names,
        CancellationToken cancellationToken) =>
        new SearchSync(context).RunAsync(names, cancellationToken);

    /// <summary>
    /// Audited where the settings turn it on. Where they cannot be read (over HTTP: neither
    /// <c>registry serve</c> nor a CDN in front of a private bucket serves the publisher's
    /// <c>registry-config.json</c>), the audit looks at the files themselves: when the view has
    /// written any of the records or shards it probes, it is audited as if turned on; when none,
    /// the registry has no search and nothing is reported.
    /// </summary>
    public async Task<IViewAudit> OpenAuditAsync(
        IObjectReader reader,
        RegistrySettings settings,
        ViewFindings findings,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Search)
        {
            return new SearchAudit(reader, probe: false);
        }

        return await reader.ExistsAsync(RegistrySettings.Key, cancellationToken).ConfigureAwait(false)
            ? NoViewAudit.Instance
            : new SearchAudit(reader, probe: true);
    }
}
