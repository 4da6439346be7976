using Registry.Core;
using Registry.Core.Packages;
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

    /// <summary>The <c>registry settings</c> option that turns the view on, for messages (IRegistryView.EnableOption on the lead's branch).</summary>
    public string EnableOption => "--search on";

    /// <summary>Search can index every package: nothing to refuse.</summary>
    public void CheckPublishable(IReadOnlyList<PackageFile> packages, RegistrySettings settings, string storeLocation)
    {
    }

    public Task<ViewSyncStats> SyncAsync(ViewContext context, IReadOnlyCollection<string>? names, CancellationToken cancellationToken) =>
        new SearchSync(context).RunAsync(names, cancellationToken);

    public Task<IViewAudit> OpenAuditAsync(IObjectReader reader, RegistrySettings settings, ViewFindings findings, CancellationToken cancellationToken) =>
        // Audited where the settings turn it on (over HTTP a reader has default settings: not audited).
        Task.FromResult<IViewAudit>(settings.Search ? new SearchAudit(reader) : NoViewAudit.Instance);
}
