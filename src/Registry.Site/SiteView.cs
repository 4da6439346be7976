using Registry.Core.Packages;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Views;
using Registry.Site.Internal;

namespace Registry.Site;

/// <summary>
/// The static web site (docs/site.md), a derived view written at the registry's root after each
/// signed commit: the home page (<c>index.html</c>: search form, counts, how to use the registry,
/// the signed status, the last 50 publishes), the search page (<c>search/index.html</c>), a page
/// per package and per version (<c>packages/NAME/</c>, <c>packages/NAME/VERSION/</c>), a version
/// badge per package, the Atom feed (<c>feed.xml</c>), and content-addressed assets
/// (<c>assets/NAME.SHA.EXT</c>). Every byte a package controls is escaped; READMEs are rendered
/// from Markdown without raw HTML. Turned on per registry by <see cref="RegistrySettings.Site"/>.
/// </summary>
public sealed class SiteView : IRegistryView
{
    public const string ViewName = "site";

    public string Name => ViewName;

    public bool IsEnabled(RegistrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Site;
    }

    /// <summary>The site can show any package a registry accepts.</summary>
    public void CheckPublishable(IReadOnlyList<PackageFile> packages, RegistrySettings settings, string storeLocation)
    {
    }

    public string EnableOption => "--site on";

    public Task<ViewSyncStats> SyncAsync(
        ViewContext context,
        IReadOnlyCollection<string>? names,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SiteWriter(context).SyncAsync(names, cancellationToken);
    }

    public async Task<IViewAudit> OpenAuditAsync(
        IObjectReader reader,
        RegistrySettings settings,
        ViewFindings findings,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return await SiteAudit.OpenAsync(reader, settings.Site, findings, cancellationToken).ConfigureAwait(false);
    }
}
