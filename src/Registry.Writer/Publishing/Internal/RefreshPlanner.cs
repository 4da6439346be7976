using Registry.Core.Settings;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// Plans a refresh. The timestamp is always re-signed. After a root rotation, every role whose
/// keys changed is re-signed with the new keys, which must then be held. Otherwise each role
/// whose remaining lifetime is within its refresh window (<see cref="ExpiryWindows.RefreshOf"/>)
/// is re-signed when its keys are held, and named when they are not, so the operator knows
/// which key to bring. A role that has already expired and cannot be re-signed with the held
/// keys fails the refresh before anything is written: every client refuses the registry, and a
/// new timestamp over it would only hide that from the job that runs the refresh.
/// </summary>
internal static class RefreshPlanner
{
    public static async Task<(ChangeSet, RefreshPlan)> PlanAsync(
        RegistryState state,
        KeyRing keys,
        RegistrySettings settings,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var windows = new ExpiryWindows(settings);
        bool Due(SignedBase signed, string role) => windows.IsRefreshDue(signed, role, now);

        var changes = new ChangeSet();
        var rotation = ResignPlanner.Apply(state, changes);
        var resigned = new List<string> { "timestamp" };
        resigned.AddRange(rotation.Where(r => !r.StartsWith("timestamp", StringComparison.Ordinal)));
        var missing = new List<string>();
        var stranded = new StrandedRoles();
        var root = state.Root.Signed;
        if (MetadataVerifier.IsExpired(root, now))
        {
            stranded.Add(RoleNames.Root, root);
        }
        else if (Due(root, RoleNames.Root))
        {
            missing.Add($"root (expires {root.Expires:yyyy-MM-dd}; needs a new root: 'registry root propose', 'root "
                + "sign', 'root publish')");
        }

        var delegation = (changes.NewDelegations ?? state.Targets.Signed.Delegations!).SuccinctRoles;
        var binRole = new RoleKeys(delegation.KeyIds, delegation.Threshold);
        var dueBins = 0;
        foreach (var bin in state.Bins.AllNames())
        {
            if (changes.BinsToResign.Contains(bin))
            {
                continue;
            }

            var document = await state.GetBinAsync(bin, cancellationToken).ConfigureAwait(false);
            if (Due(document.Signed, "bins"))
            {
                if (keys.Holds(binRole))
                {
                    changes.BinsToResign.Add(bin);
                    resigned.Add(bin);
                }
                else
                {
                    dueBins++;
                    if (MetadataVerifier.IsExpired(document.Signed, now))
                    {
                        stranded.Add("bins", document.Signed);
                    }
                }
            }
        }

        if (dueBins > 0)
        {
            missing.Add($"{dueBins} bin(s) (targets key)");
        }

        if (!changes.ResignTargets && Due(state.Targets.Signed, RoleNames.Targets))
        {
            if (keys.Holds(root.Roles[RoleNames.Targets]))
            {
                changes.ResignTargets = true;
                resigned.Add("targets");
            }
            else
            {
                missing.Add("targets (targets key)");
                if (MetadataVerifier.IsExpired(state.Targets.Signed, now))
                {
                    stranded.Add(RoleNames.Targets, state.Targets.Signed);
                }
            }
        }

        if (!changes.ResignSnapshot && (Due(state.Snapshot.Signed, RoleNames.Snapshot) || !changes.IsEmpty))
        {
            if (keys.Holds(root.Roles[RoleNames.Snapshot]))
            {
                changes.ResignSnapshot = true;
                resigned.Add("snapshot");
            }
            else if (changes.IsEmpty)
            {
                missing.Add("snapshot (snapshot key)");
                if (MetadataVerifier.IsExpired(state.Snapshot.Signed, now))
                {
                    stranded.Add(RoleNames.Snapshot, state.Snapshot.Signed);
                }
            }
            else
            {
                throw new EnvironmentException(
                    "re-signing bins or targets needs the snapshot key too; pass --keys with it");
            }
        }

        stranded.ThrowIfAny();
        return (changes, new RefreshPlan(resigned, missing));
    }
}
