using Registry.Core.NuGet;
using Registry.Core.Views;

namespace Registry.Cli.Internal;

/// <summary>
/// The derived views this tool knows (docs/protocol.md, "Derived views"): the one place that
/// names them. The writer, verify, the mirror and <c>registry sync</c> are given this list; each
/// registry's settings say which of them it writes.
/// </summary>
internal static class RegistryViews
{
    public static IReadOnlyList<IRegistryView> All { get; } = [new NuGetView()];

    /// <summary>What the NuGet view wrote, for the commands' output (null: nothing for the feed).</summary>
    public static ViewSyncStats? NuGetOf(IReadOnlyList<ViewSyncStats> views) =>
        views.FirstOrDefault(v => v.View == NuGetView.ViewName);
}
