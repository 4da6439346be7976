using Registry.Core.Tuf;

namespace Registry.Core.Keys.Internal;

/// <summary>
/// What a root's keys ask of the documents under it: whether a document meets its role's keys and
/// threshold, and the bins' delegation the root implies. The writer's re-signing after a rotation
/// (<c>Publishing.Internal.ResignPlanner</c>) and <c>registry status</c> both ask it.
/// </summary>
internal static class KeyChangePlanner
{
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

    /// <summary>Whether the document carries the threshold of valid signatures the root asks of the role.</summary>
    public static bool Meets<T>(SignedDocument<T> document, RootMetadata root, string role)
        where T : SignedBase =>
        MetadataVerifier.CountValidSignatures(document, root.Roles[role], root.Keys) >= root.Roles[role].Threshold;

    public static bool SameDelegation(Delegations a, Delegations b) =>
        a.SuccinctRoles.Threshold == b.SuccinctRoles.Threshold
        && a.SuccinctRoles.KeyIds.ToHashSet(StringComparer.Ordinal).SetEquals(b.SuccinctRoles.KeyIds)
        && b.SuccinctRoles.KeyIds.All(id => a.Keys.TryGetValue(id, out var key) && key == b.Keys[id]);
}
