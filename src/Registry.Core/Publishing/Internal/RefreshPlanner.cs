using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// Plans a refresh: every role that expires within the margin is re-signed when the keys for
/// it are held (the timestamp always is). A role near expiry whose keys are absent is named,
/// so the operator knows which key to bring.
/// </summary>
internal static class RefreshPlanner
{
    public static async Task<(ChangeSet, RefreshPlan)> PlanAsync(RegistryState state, KeyRing keys, RegistrySettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var horizon = time.GetUtcNow().AddDays(settings.RefreshMarginDays);
        var changes = new ChangeSet();
        var resigned = new List<string> { "timestamp" };
        var missing = new List<string>();
        var root = state.Root.Signed;
        if (state.Root.Signed.Expires <= horizon)
        {
            missing.Add($"root (expires {root.Expires:yyyy-MM-dd}; needs a new root signed with the root keys)");
        }

        var delegation = state.Targets.Signed.Delegations!.SuccinctRoles;
        var binRole = new RoleKeys(delegation.KeyIds, delegation.Threshold);
        foreach (var bin in state.Bins.AllNames())
        {
            var document = await state.GetBinAsync(bin, cancellationToken).ConfigureAwait(false);
            if (document.Signed.Expires <= horizon)
            {
                if (keys.Holds(binRole))
                {
                    changes.BinsToResign.Add(bin);
                    resigned.Add(bin);
                }
                else
                {
                    missing.Add($"{bin} (targets key)");
                }
            }
        }

        if (state.Targets.Signed.Expires <= horizon)
        {
            if (keys.Holds(root.Roles[RoleNames.Targets]))
            {
                changes.ResignTargets = true;
                resigned.Add("targets");
            }
            else
            {
                missing.Add("targets (targets key)");
            }
        }

        var snapshotDue = state.Snapshot.Signed.Expires <= horizon || !changes.IsEmpty;
        if (snapshotDue)
        {
            if (keys.Holds(root.Roles[RoleNames.Snapshot]))
            {
                changes.ResignSnapshot = true;
                resigned.Add("snapshot");
            }
            else if (changes.IsEmpty)
            {
                missing.Add("snapshot (snapshot key)");
            }
            else
            {
                throw new EnvironmentException("re-signing bins or targets needs the snapshot key too; pass --keys with it");
            }
        }

        return (changes, new RefreshPlan(resigned, missing));
    }
}
