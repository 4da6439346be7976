using Registry.Core.NuGet;
using Registry.Core.Views;
using Registry.Search;
using Registry.Site;

namespace Registry.Cli.Internal;

/// <summary>
/// The derived views this tool knows (docs/protocol.md, "Derived views"): the one place that
/// names them. The writer, verify, the mirror and <c>registry sync</c> are given this list; each
/// registry's settings say which of them it writes.
/// </summary>
internal static class RegistryViews
{
    public static IReadOnlyList<IRegistryView> All { get; } =
    [
        // The feed lists the search services when the search view is written beside it.
        new NuGetView(context => context.EnabledViews.Contains(SearchView.ViewName) && context.BaseUrl is { } url
            ? NuGetSearch.ServiceIndexResources(url)
            : []),
        new SearchView(),
        new SiteView(),
    ];

    /// <summary>The views of these names, in the tool's order; an unknown name is a usage error (exit 2) naming the
    /// views.</summary>
    public static IReadOnlyList<IRegistryView> Named(IReadOnlyCollection<string> names)
    {
        foreach (var name in names.Where(n => All.All(v => v.Name != n)))
        {
            throw ViewNames.Unknown(name, All);
        }

        return [.. All.Where(v => names.Contains(v.Name))];
    }

    /// <summary>What the NuGet view wrote, for the commands' output (null: nothing for the feed).</summary>
    public static ViewSyncStats? NuGetOf(IReadOnlyList<ViewSyncStats> views) =>
        views.FirstOrDefault(v => v.View == NuGetView.ViewName);
}
