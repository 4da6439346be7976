using Registry.Core.Index;
using Registry.Core.Packages;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Views;

/// <summary>
/// A set of files derived from the signed index after each commit: the NuGet v3 feed, the web
/// site, the search index. A view is never signed and never trusted by a client that verifies;
/// it is written after the signed commit and only from committed data, so a crash or a race
/// leaves it late, never wrong. <c>verify</c> audits it, <c>registry sync</c> repairs it, and a
/// mirror re-derives it under its own URLs. The writer, the auditor and the mirror are given
/// their views; none of them names one.
/// </summary>
public interface IRegistryView
{
    /// <summary>The view's name: in the settings' <c>views</c> list, in <c>registry sync --view</c>, and in
    /// output.</summary>
    string Name { get; }

    /// <summary>Whether the registry's settings turn this view on.</summary>
    bool IsEnabled(RegistrySettings settings);

    /// <summary>The <c>registry settings</c> option that turns the view on (e.g. <c>--nuget-url
    /// https://cdn.example/registry/</c>), for messages.</summary>
    string EnableOption { get; }

    /// <summary>
    /// Refuses, before anything is written, packages this view would have to serve but cannot
    /// under <paramref name="settings"/> (a .nupkg without a NuGet URL) in the store at
    /// <paramref name="storeLocation"/>; throws a
    /// <see cref="RegistryException"/> naming the rule. Called on every view given to the writer,
    /// enabled or not.
    /// </summary>
    void CheckPublishable(IReadOnlyList<PackageFile> packages, RegistrySettings settings, string storeLocation);

    /// <summary>
    /// Brings the view of <paramref name="names"/> (every package when null) up to the state
    /// <see cref="ViewContext.LoadState"/> returns. Idempotent: a second call with nothing
    /// changed writes nothing.
    /// </summary>
    Task<ViewSyncStats> SyncAsync(
        ViewContext context,
        IReadOnlyCollection<string>? names,
        CancellationToken cancellationToken);

    /// <summary>
    /// Opens an audit of the view as stored in <paramref name="reader"/>, for <c>verify</c>, under the
    /// registry's <paramref name="settings"/> (defaults when the reader has none, as over HTTP): a view
    /// the settings leave off and whose files are absent has nothing to report.
    /// </summary>
    Task<IViewAudit> OpenAuditAsync(
        IObjectReader reader,
        RegistrySettings settings,
        ViewFindings findings,
        CancellationToken cancellationToken);
}

/// <summary>The audit of a view that has nothing to report (the settings leave it off).</summary>
public sealed class NoViewAudit : IViewAudit
{
    public static NoViewAudit Instance { get; } = new();

    public Task CheckAsync(PackageIndex index, ViewFindings findings, CancellationToken cancellationToken)
        => Task.CompletedTask;

    public Task FinishAsync(ViewFindings findings, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>One audit: <see cref="CheckAsync"/> for each signed index document (in parallel), then
/// <see cref="FinishAsync"/> once.</summary>
public interface IViewAudit
{
    Task CheckAsync(PackageIndex index, ViewFindings findings, CancellationToken cancellationToken);

    /// <summary>Whole-view checks after every index document was seen (home page counts, search shards).</summary>
    Task FinishAsync(ViewFindings findings, CancellationToken cancellationToken);
}

/// <summary>
/// What a view sync works on. <see cref="Store"/> is where the view's files go (the registry's
/// own store, or a mirror's destination); <see cref="BaseUrl"/> the public URL that store is
/// served at (null when none is configured); <see cref="LoadState"/> the verified committed
/// state to follow (a sync reads the tags of the mutable files it will swap before it loads the
/// state, so whoever swaps last wrote what the newest state says).
/// </summary>
public sealed class ViewContext
{
    public required IObjectStore Store { get; init; }

    public required string? BaseUrl { get; init; }

    public required CachePolicy CachePolicy { get; init; }

    public required Func<CancellationToken, Task<RegistryState>> LoadState { get; init; }

    public required TimeProvider Time { get; init; }

    /// <summary>The names of every view written to this store in this run (a view may advertise another's
    /// services).</summary>
    public IReadOnlyCollection<string> EnabledViews { get; init; } = [];

    /// <summary>Artifact bytes already in hand (a publish's packages), by artifact store key; they need no second
    /// check.</summary>
    public IReadOnlyDictionary<string, byte[]> KnownArtifacts { get; init; }
        = new Dictionary<string, byte[]>(StringComparer.Ordinal);

    /// <summary>
    /// The manifests of the packages the commit published, by name (empty after a yank, a refresh
    /// or for <c>registry sync</c>): a hint that lets a view skip packages it has nothing to do
    /// with without a read; what a view writes still comes from <see cref="LoadState"/>.
    /// </summary>
    public IReadOnlyDictionary<string, PackageManifest> Published { get; init; }
        = new Dictionary<string, PackageManifest>(StringComparer.Ordinal);
}

/// <summary>What one view sync wrote.</summary>
public sealed record ViewSyncStats(string View, int Packages, int FilesWritten, long BytesWritten, int Attempts)
{
    /// <summary>Whether the view had anything to do with the packages (a .tgz publish leaves the NuGet feed
    /// out).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Touched => Packages > 0 || FilesWritten > 0;
}

/// <summary>The refusal of a view name the tool does not have: one message for every command that takes one.</summary>
public static class ViewNames
{
    public static RegistryException Unknown(string name, IEnumerable<IRegistryView> views) =>
        new(
            Rules.ViewName,
            $"no view is named '{name}'; the views are {string.Join(", ", views.Select(v => v.Name))}",
            2);
}

/// <summary>An audit's errors (a client of the view would be hurt) and warnings (the view is only behind: <c>registry
/// sync</c> repairs it).</summary>
public sealed class ViewFindings
{
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _errors;
    private readonly System.Collections.Concurrent.ConcurrentBag<string> _warnings;

    public ViewFindings(
        System.Collections.Concurrent.ConcurrentBag<string> errors,
        System.Collections.Concurrent.ConcurrentBag<string> warnings)
    {
        _errors = errors;
        _warnings = warnings;
    }

    public void Error(string message) => _errors.Add(message);

    public void Warning(string message) => _warnings.Add(message);
}
