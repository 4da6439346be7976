using Registry.Core.Keys.Internal;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// What a root rotation obliges the next writer to re-sign: every role whose current document
/// does not meet the newest root's keys and threshold, and, when the root's targets role
/// changed, the bins' delegation (the bins are signed by the targets role's keys) and every
/// bin. The timestamp is re-signed by every commit anyway. Applied to every publish, yank and
/// refresh, so the first write after a rotation moves the whole state to the new keys at once.
/// </summary>
internal static class ResignPlanner
{
    /// <summary>Adds the re-signing a rotation requires to <paramref name="changes"/>; returns what it added, for
    /// messages.</summary>
    public static IReadOnlyList<string> Apply(RegistryState state, ChangeSet changes)
    {
        var root = state.Root.Signed;
        var added = new List<string>();
        if (!KeyChangePlanner.Meets(state.Timestamp, root, RoleNames.Timestamp))
        {
            added.Add($"timestamp (new keys in root {root.Version})");
        }

        if (!KeyChangePlanner.Meets(state.Snapshot, root, RoleNames.Snapshot))
        {
            changes.ResignSnapshot = true;
            added.Add($"snapshot (new keys in root {root.Version})");
        }

        // A rebin brings its own delegation (from this root's keys) and writes every new bin afresh.
        var current = changes.NewBins is null ? state.Targets.Signed.Delegations! : changes.NewDelegations!;
        var wanted = KeyChangePlanner.DelegationFor(root, current.SuccinctRoles);
        var delegationChanged = !KeyChangePlanner.SameDelegation(current, wanted);
        if (!KeyChangePlanner.Meets(state.Targets, root, RoleNames.Targets) || delegationChanged)
        {
            changes.ResignTargets = true;
            added.Add($"targets (new keys in root {root.Version})");
        }

        if (delegationChanged)
        {
            changes.NewDelegations = wanted;
            foreach (var bin in state.Bins.AllNames())
            {
                changes.BinsToResign.Add(bin);
            }

            added.Add($"{state.Bins.Count} bins (new targets keys in root {root.Version})");
        }

        return added;
    }
}
