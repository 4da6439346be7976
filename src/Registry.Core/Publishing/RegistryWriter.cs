using Registry.Core.Keys.Internal;
using Registry.Core.NuGet;
using Registry.Core.Publishing.Internal;
using Registry.Core.Storage;
using Registry.Core.Tuf;

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
    /// Publishes in one transaction; then, for .nupkg files, brings their NuGet view up to the
    /// committed index (also when nothing new was committed, which repairs a view a killed
    /// publish left behind). A .nupkg needs <see cref="RegistrySettings.NuGetUrl"/>: checked before any write.
    /// </summary>
    public async Task<PublishResult> PublishAsync(IReadOnlyList<Packages.PackageFile> packages, PublishOptions publish, CancellationToken cancellationToken)
    {
        var settings = await RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var nuget = packages.Where(p => p.Manifest.NuGet is not null).ToList();
        if (nuget.Count > 0 && settings.NuGetUrl is null)
        {
            throw new EnvironmentException(
                $"{Path.GetFileName(nuget[0].SourcePath)}: a .nupkg is served through the registry's NuGet feed, whose URLs need the address the registry is served at; set it once with 'registry settings --store {store.Location} --nuget-url https://cdn.example/registry/' (nothing was published) [rule: nuget-url]");
        }

        var planner = new PublishPlanner(packages, publish, _time);
        var (outcomes, stats) = await RunAsync(settings, planner.PlanAsync, cancellationToken).ConfigureAwait(false);
        NuGetSyncStats? feed = null;
        if (nuget.Count > 0)
        {
            // The planner already hashed every package: its outcomes name each artifact's key.
            var files = new Dictionary<(string Name, string Version), NuGetFiles>();
            foreach (var file in nuget)
            {
                files[(file.Manifest.Name, file.Manifest.Version.ToFullString())] = new NuGetFiles(file.Content, file.Manifest.NuGet!.Nuspec);
            }


            var known = outcomes
                .Where(o => files.ContainsKey((o.Name, o.Version)))
                .ToDictionary(o => RegistryLayout.ArtifactKey(o.Artifact, o.Sha256), o => files[(o.Name, o.Version)], StringComparer.Ordinal);
            feed = await NuGetFeedWriter.SyncStoreAsync(store, settings, [.. files.Keys.Select(k => k.Name)], known, cancellationToken).ConfigureAwait(false);
        }

        return new PublishResult(outcomes, stats) { NuGetFeed = feed };
    }

    public async Task<YankResult> YankAsync(string name, string version, string? reason, bool undo, CancellationToken cancellationToken)
    {
        name = Packages.PackageName.FromUserInput(name);
        var settings = await RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var planner = new YankPlanner(name, version, reason, undo);
        var (outcome, stats) = await RunAsync(settings, planner.PlanAsync, cancellationToken).ConfigureAwait(false);
        var feed = planner.IsNuGet && settings.NuGetUrl is not null
            ? await NuGetFeedWriter.SyncStoreAsync(store, settings, [name], null, cancellationToken).ConfigureAwait(false)
            : null;
        return new YankResult(outcome, stats) { NuGetFeed = feed };
    }

    /// <summary>
    /// Re-signs the timestamp (new version, new expiry) and, when their keys are held, every
    /// other role that expires within its refresh window; after a root rotation, every role whose
    /// keys changed (then their new keys are required). Routinely needs only the timestamp key.
    /// </summary>
    public async Task<RefreshResult> RefreshAsync(CancellationToken cancellationToken)
    {
        var settings = await RegistrySettings.LoadAsync(store, cancellationToken).ConfigureAwait(false);
        var (plan, stats) = await RunAsync(settings, (state, ct) => RefreshPlanner.PlanAsync(state, keys, settings, _time, ct), cancellationToken, commitEmpty: true).ConfigureAwait(false);
        return new RefreshResult(plan.Resigned, plan.MissingKeys, stats!);
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
            KeyChangePlanner.Apply(state, changes);
            if (changes.IsEmpty && !commitEmpty)
            {
                return (result, null);
            }

            RequireSigningKeys(state, changes);
            var writer = new StateWriter(store, keys, settings, _time);
            var stats = await writer.CommitAsync(state, changes, cancellationToken).ConfigureAwait(false);
            if (stats is not null)
            {
                return (result, stats with { Attempts = attempt });
            }

            _options.OnConflict?.Invoke(attempt);
            var backoff = Math.Min(1000, 25 * (1 << Math.Min(attempt, 6)));
            await Task.Delay(Random.Shared.Next(backoff / 2, backoff), cancellationToken).ConfigureAwait(false);
        }

        throw new ConflictException(
            $"{store.Location}: other publishers changed the registry {_options.MaxAttempts} times while this one tried; nothing was applied, run the command again");
    }

    /// <summary>Refuses, before anything is written, a change whose roles the held keys cannot sign.</summary>
    private void RequireSigningKeys(RegistryState state, ChangeSet changes)
    {
        var root = state.Root.Signed;
        keys.KeysFor(RoleNames.Timestamp, root.Roles[RoleNames.Timestamp]);
        if (changes.IsEmpty)
        {
            return;
        }

        keys.KeysFor(RoleNames.Snapshot, root.Roles[RoleNames.Snapshot]);
        if (changes.ResignTargets)
        {
            keys.KeysFor(RoleNames.Targets, root.Roles[RoleNames.Targets]);
        }

        if (changes.BinEdits.Count > 0 || changes.BinsToResign.Count > 0)
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
    public Action<int>? OnConflict { get; init; }
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

public sealed record PackageOutcome(string Name, string Version, PublishStatus Status, string Sha256, long Length, string Artifact);

public sealed record PublishResult(IReadOnlyList<PackageOutcome> Packages, CommitStats? Stats)
{
    /// <summary>What the NuGet view sync wrote after the commit; null when no .nupkg was published.</summary>
    public NuGetSyncStats? NuGetFeed { get; init; }
}

public enum YankStatus
{
    Yanked,
    Unyanked,
    Unchanged,
}

public sealed record YankResult(YankStatus Status, CommitStats? Stats)
{
    /// <summary>What the NuGet view sync wrote after the commit; null for a package without NuGet versions.</summary>
    public NuGetSyncStats? NuGetFeed { get; init; }
}

public sealed record RefreshResult(IReadOnlyList<string> Resigned, IReadOnlyList<string> MissingKeys, CommitStats Stats);
