using Registry.Core.Publishing;
using Registry.Core.Tuf;

namespace Registry.Core.Keys.Internal;

/// <summary>
/// What a root rotation obliges the next writer to re-sign: every role whose current document
/// does not meet the newest root's keys and threshold, and, when the root's targets role
/// changed, the bins' delegation (the bins are signed by the targets role's keys) and every
/// bin. The timestamp is re-signed by every commit anyway. Applied to every publish, yank and
/// refresh, so the first write after a rotation moves the whole state to the new keys at once.
/// </summary>
internal static class KeyChangePlanner
{
    /// <summary>Adds the re-signing a rotation requires to <paramref name="changes"/>; returns what it added, for
    /// messages.</summary>
    public static IReadOnlyList<string> Apply(RegistryState state, ChangeSet changes)
    {
        var root = state.Root.Signed;
        var added = new List<string>();
        if (!Meets(state.Timestamp, root, RoleNames.Timestamp))
        {
            added.Add($"timestamp (new keys in root {root.Version})");
        }

        if (!Meets(state.Snapshot, root, RoleNames.Snapshot))
        {
            changes.ResignSnapshot = true;
            added.Add($"snapshot (new keys in root {root.Version})");
        }

        // A rebin brings its own delegation (from this root's keys) and writes every new bin afresh.
        var current = changes.NewBins is null ? state.Targets.Signed.Delegations! : changes.NewDelegations!;
        var wanted = DelegationFor(root, current.SuccinctRoles);
        var delegationChanged = !SameDelegation(current, wanted);
        if (!Meets(state.Targets, root, RoleNames.Targets) || delegationChanged)
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

    /// <summary>The bins' delegation the root implies: the targets role's keys and threshold.</summary>
    public static Delegations DelegationFor(RootMetadata root, SuccinctRoles current)
    {
        var role = root.Roles[RoleNames.Targets];
        var ids = role.KeyIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new Delegations
        {
            Keys = new SortedDictionary<string, TufKey>(
                ids.ToDictionary(id => id, id => root.Keys[id]),
                StringComparer.Ordinal),
            SuccinctRoles = current with { KeyIds = ids, Threshold = role.Threshold },
        };
    }

    private static bool Meets<T>(SignedDocument<T> document, RootMetadata root, string role)
        where T : SignedBase =>
        MetadataVerifier.CountValidSignatures(document, root.Roles[role], root.Keys) >= root.Roles[role].Threshold;

    private static bool SameDelegation(Delegations a, Delegations b) =>
        a.SuccinctRoles.Threshold == b.SuccinctRoles.Threshold
        && a.SuccinctRoles.KeyIds.ToHashSet(StringComparer.Ordinal).SetEquals(b.SuccinctRoles.KeyIds)
        && b.SuccinctRoles.KeyIds.All(id => a.Keys.TryGetValue(id, out var key) && key == b.Keys[id]);
}
