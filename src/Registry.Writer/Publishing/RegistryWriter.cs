using Registry.Core.Keys.Internal;
using Registry.Core.Publishing.Internal;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;
using Registry.Core.Views;

namespace Registry.Core.Publishing;

/// <summary>
/// The write path of a registry: publish, yank and refresh as transactions. Each reads and
/// verifies the current state, plans its changes (validating everything before any write),
/// commits them in the safe order and, when a concurrent writer swapped the timestamp first,
/// starts over from the new state, up to <see cref="WriterOptions.MaxAttempts"/> times.
/// </summary>
public sealed class RegistryWriter(IObjectStore store, KeyRing keys, TimeProvider time, WriterOptions? options = null)
{
    private readonly TimeProvider _time = time;
    private readonly WriterOptions _options = options ?? new WriterOptions();

    public IObjectStore Store => store;

    /// <summary>
    /// Publishes in one transaction; then brings the registry's derived views (those it was given
    /// in <see cref="WriterOptions.Views"/> and its settings turn on) up to the committed index for
    /// these packages, also when nothing new was committed, which repairs a view a killed publish
    /// left behind. A view refuses, before any write, packages it cannot serve.
    /// </summary>
    public async Task<PublishResult> PublishAsync(
        IReadOnlyList<Packages.PackageFile> packages,
        PublishOptions publish,
        CancellationToken cancellationToken)
    {
        var settings = await RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        foreach (var view in _options.Views)
        {
            view.CheckPublishable(packages, settings, store.Location);
        }

        var planner = new PublishPlanner(packages, publish, _time) { Settings = settings };
        var (outcomes, stats) = await RunAsync(settings, planner.PlanAsync, cancellationToken).ConfigureAwait(false);

        // The planner already hashed every package: its outcomes name each artifact's key.
        var files = new Dictionary<(string Name, string Version), byte[]>();
        foreach (var package in packages)
        {
            files[(package.Manifest.Name, package.Manifest.Version.ToFullString())] = package.Content;
        }

        var known = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var outcome in outcomes)
        {
            if (files.TryGetValue((outcome.Name, outcome.Version), out var content))
            {
                known[RegistryLayout.ArtifactKey(outcome.Artifact, outcome.Sha256)] = content;
            }
        }

        var published = packages.GroupBy(p => p.Manifest.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Manifest, StringComparer.Ordinal);
        var views = await Views.SyncAsync(
            settings,
            [.. published.Keys],
            cancellationToken,
            known: known,
            published: published).ConfigureAwait(false);
        return new PublishResult(outcomes, stats) { Views = Touched(views) };
    }

    public async Task<YankResult> YankAsync(
        string name,
        string version,
        string? reason,
        bool undo,
        CancellationToken cancellationToken)
    {
        name = Packages.PackageName.FromUserInput(name);
        var settings = await RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var planner = new YankPlanner(name, version, reason, undo);
        var (outcome, stats) = await RunAsync(settings, planner.PlanAsync, cancellationToken).ConfigureAwait(false);
        var views = await Views.SyncAsync(settings, [name], cancellationToken).ConfigureAwait(false);
        return new YankResult(outcome, stats) { Views = Touched(views) };
    }

    private ViewSync Views => new(store, _options.Views, _time);

    /// <summary>The views that had something to do with the packages (a .tgz publish leaves the NuGet feed
    /// out).</summary>
    private static IReadOnlyList<ViewSyncStats> Touched(IReadOnlyList<ViewSyncStats> views) =>
        [.. views.Where(v => v.Touched)];

    /// <summary>
    /// Re-signs the timestamp (new version, new expiry) and, when their keys are held, every
    /// other role that expires within its refresh window; after a root rotation, every role whose
    /// keys changed (then their new keys are required). Routinely needs only the timestamp key.
    /// </summary>
    public async Task<RefreshResult> RefreshAsync(CancellationToken cancellationToken)
    {
        var settings = await RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var (plan, stats) = await RunAsync(
            settings,
            (state, ct) => RefreshPlanner.PlanAsync(state, keys, settings, _time, ct),
            cancellationToken,
            commitEmpty: true).ConfigureAwait(false);

        // No package changed, but registry-wide pages (a status panel with the new expiry) follow the commit.
        await Views.SyncAsync(settings, [], cancellationToken).ConfigureAwait(false);
        return new RefreshResult(plan.Resigned, plan.MissingKeys, stats!);
    }

    /// <summary>
    /// Re-shards the registry into <paramref name="binCount"/> hashed bins in one signed commit:
    /// new bins listing every target, a targets.json delegating to them, a snapshot listing both
    /// (TUF clients refuse a snapshot that drops a role; the old bins stay listed, frozen) and the
    /// timestamp by compare-and-swap, so a killed rebin leaves the old state and a concurrent
    /// publish is either included (replanned) or comes after. Needs the targets key. Asking for the
    /// current count writes nothing.
    /// </summary>
    public async Task<RebinResult> RebinAsync(int binCount, CancellationToken cancellationToken)
    {
        var settings = await RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var (plan, stats) = await RunAsync(
            settings,
            (state, ct) => RebinPlanner.PlanAsync(state, binCount, ct),
            cancellationToken).ConfigureAwait(false);
        return new RebinResult(plan, stats);
    }

    /// <summary>One transaction under <paramref name="settings"/>, loaded once by the command that runs it.</summary>
    private async Task<(T Result, CommitStats? Stats)> RunAsync<T>(
        RegistrySettings settings,
        Func<RegistryState, CancellationToken, Task<(ChangeSet Changes, T Result)>> plan,
        CancellationToken cancellationToken,
        bool commitEmpty = false)
    {
        for (var attempt = 1; attempt <= _options.MaxAttempts; attempt++)
        {
            var state = await SigningState.LoadAsync(store, cancellationToken).ConfigureAwait(false);
            var (changes, result) = await plan(state, cancellationToken).ConfigureAwait(false);
            ResignPlanner.Apply(state, changes);
            if (changes.IsEmpty && !commitEmpty)
            {
                return (result, null);
            }

            RequireSigningKeys(state, changes);
            await RotationWait.CheckAsync(store, state, changes, keys, settings, _time, cancellationToken)
                .ConfigureAwait(false);
            var writer = new StateWriter(store, keys, settings, _time, _options.LogLease);
            var stats = await writer.CommitAsync(state, changes, cancellationToken).ConfigureAwait(false);
            if (stats is not null)
            {
                return (result, stats with { Attempts = attempt });
            }

            if (_options.OnConflict is { } onConflict)
            {
                await onConflict(attempt).ConfigureAwait(false);
            }
            var backoff = Math.Min(1000, 25 * (1 << Math.Min(attempt, 6)));
            await Task.Delay(Random.Shared.Next(backoff / 2, backoff), cancellationToken).ConfigureAwait(false);
        }

        throw new ConflictException(
            $"{store.Location}: other publishers changed the registry {_options.MaxAttempts} times while this one "
            + "tried; nothing was applied, run the command again");
    }

    /// <summary>Refuses, before anything is written, a change whose roles the held keys cannot sign.</summary>
    private void RequireSigningKeys(RegistryState state, ChangeSet changes)
    {
        var root = state.Root.Signed;
        keys.KeysFor(RoleNames.Timestamp, root.Roles[RoleNames.Timestamp]);
        if (root.Log is not null && Keys.LogKey.LoadOrNull(keys.Folder) is null)
        {
            throw new EnvironmentException($"this registry keeps a transparency log ('{root.Log.Origin}'); its key "
                + $"{Keys.LogKey.FileName} is not in {keys.Folder}");
        }

        if (changes.IsEmpty)
        {
            return;
        }

        keys.KeysFor(RoleNames.Snapshot, root.Roles[RoleNames.Snapshot]);
        if (changes.ResignTargets)
        {
            keys.KeysFor(RoleNames.Targets, root.Roles[RoleNames.Targets]);
        }

        if (changes.BinEdits.Count > 0 || changes.BinsToResign.Count > 0 || changes.NewBins is not null)
        {
            var bins = (changes.NewDelegations ?? state.Targets.Signed.Delegations!).SuccinctRoles;
            keys.KeysFor("bins (targets)", new RoleKeys(bins.KeyIds, bins.Threshold));
        }
    }
}

/// <summary>Transaction settings.</summary>
public sealed record WriterOptions
{
    /// <summary>How many times a transaction is replanned after losing the timestamp swap.</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>Called after each lost race (for diagnostics).</summary>
    public Func<int, Task>? OnConflict { get; init; }

    /// <summary>
    /// How old a right-edge log file that no checkpoint names must be before a writer takes it over
    /// as the leftover of a killed publish (a live writer swaps its checkpoint within a second or two);
    /// the next publisher after a kill waits at most this long.
    /// </summary>
    public TimeSpan LogLease { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The derived views to bring up to each commit (each runs when the registry's settings turn it
    /// on).</summary>
    public IReadOnlyList<IRegistryView> Views { get; init; } = [];
}

public sealed record PublishOptions
{
    /// <summary>Accept dependencies that no published version (nor the batch) satisfies.</summary>
    public bool SkipDependencyCheck { get; init; }
}

public enum PublishStatus
{
    Published,
    AlreadyPublished,
}

public sealed record PackageOutcome(
    string Name,
    string Version,
    PublishStatus Status,
    string Sha256,
    long Length,
    string Artifact);

public sealed record PublishResult(IReadOnlyList<PackageOutcome> Packages, CommitStats? Stats)
{
    /// <summary>What each derived view wrote after the commit (views with nothing to do for these packages are left
    /// out).</summary>
    public IReadOnlyList<ViewSyncStats> Views { get; init; } = [];
}

public enum YankStatus
{
    Yanked,
    Unyanked,
    Unchanged,
}

public sealed record YankResult(YankStatus Status, CommitStats? Stats)
{
    /// <summary>What each derived view wrote after the commit (views with nothing to do for this package are left
    /// out).</summary>
    public IReadOnlyList<ViewSyncStats> Views { get; init; } = [];
}

/// <summary>
/// What a rebin changed: the bin counts before and after, the targets the bins list (null when
/// they were not read: the count asked for is the current one), and the bins of earlier counts
/// that the snapshot still lists.
/// </summary>
public sealed record RebinPlan(long OldBins, long NewBins, int? Targets, int RetiredSnapshotEntries);

/// <summary>A rebin's plan and, when it committed, its cost (null: the registry already had that many bins).</summary>
public sealed record RebinResult(RebinPlan Plan, CommitStats? Stats);

public sealed record RefreshResult(
    IReadOnlyList<string> Resigned,
    IReadOnlyList<string> MissingKeys,
    CommitStats Stats);
