using System.Collections.Concurrent;
using Registry.Core.Keys.Internal;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// Plans a re-sharding: reads every bin of the current delegation, hashes each target path into
/// the new bin count and lists the result as <see cref="ChangeSet.NewBins"/>, with the new
/// delegation (same prefix, keys and threshold from the root's targets role). Nothing about a
/// target changes, only which bin lists it.
/// </summary>
internal static class RebinPlanner
{
    /// <param name="binCount">The new bin count, a power of two; 0: the best for the number of packages the registry
    /// holds (<see cref="HashBins.BestCountFor"/>).</param>
    public static async Task<(ChangeSet, RebinPlan)> PlanAsync(
        RegistryState state,
        int binCount,
        CancellationToken cancellationToken)
    {
        var old = state.Bins;
        var changes = new ChangeSet();
        if (binCount != 0 && HashBins.BitLengthFor(binCount) == old.BitLength)
        {
            return (changes, new RebinPlan(old.Count, old.Count, null, Retired(state, old.IsBinName)));
        }

        var targets = new ConcurrentDictionary<string, TargetFile>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(old.AllNames(), new ParallelOptions {
            MaxDegreeOfParallelism = 16,
            CancellationToken = cancellationToken }, async (bin, ct) =>
        {
            var document = await state.GetBinAsync(bin, ct).ConfigureAwait(false);
            foreach (var (path, info) in document.Signed.Targets)
            {
                targets[path] = info;
            }
        }).ConfigureAwait(false);

        if (binCount == 0)
        {
            // A format-2 registry's only targets are its index documents: one per package.
            binCount = HashBins.BestCountFor(targets.Count);
            if (binCount == old.Count)
            {
                return (changes, new RebinPlan(old.Count, old.Count, targets.Count, Retired(state, old.IsBinName)));
            }
        }

        var bitLength = HashBins.BitLengthFor(binCount);
        var delegation = KeyChangePlanner.DelegationFor(
            state.Root.Signed,
            state.Targets.Signed.Delegations!.SuccinctRoles with { BitLength = bitLength });
        var bins = new HashBins(delegation.SuccinctRoles);
        var contents = bins.AllNames().ToDictionary(
            name => name,
            _ => new SortedDictionary<string, TargetFile>(StringComparer.Ordinal),
            StringComparer.Ordinal);
        foreach (var (path, info) in targets)
        {
            contents[bins.BinFor(path)][path] = info;
        }

        changes.ResignTargets = true;
        changes.NewDelegations = delegation;
        changes.NewBins = contents;

        return (changes, new RebinPlan(old.Count, bins.Count, targets.Count, Retired(state, bins.IsBinName)));
    }

    /// <summary>
    /// The snapshot's entries that are not bins of the delegation <paramref name="isCurrentBin"/>
    /// describes: the snapshot keeps every entry it had, so the old bins whose names the new count
    /// does not reuse stay listed, frozen.
    /// </summary>
    private static int Retired(RegistryState state, Func<string, bool> isCurrentBin) =>
        state.Snapshot.Signed.Meta.Keys.Count(file => file != "targets.json" && !isCurrentBin(RoleOf(file)));

    private static string RoleOf(string file)
        => file.EndsWith(".json", StringComparison.Ordinal) ? file[..^".json".Length] : file;
}
