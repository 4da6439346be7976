using System.Globalization;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Publishing.Internal;

/// <summary>
/// The rotation rule of docs/protocol.md ("The root probe at the edge"): edges cache the miss of
/// <c>metadata/N.root.json</c> for up to the timestamp max-age, so for that long after root N was
/// published a client behind an edge may still take root N-1 as the newest. A commit must not,
/// within that window, sign a role only with keys that root N adds (root N-1 would refuse it).
/// A role whose current document root N no longer accepts (a one-step rotation: a leaked key) is
/// re-signed at once anyway, as the rotation requires; that is the documented trade-off.
/// </summary>
internal static class RotationWait
{
    public const string Rule = Rules.RotationWait;

    public static async Task CheckAsync(
        IObjectStore store,
        RegistryState state,
        ChangeSet changes,
        KeyRing keys,
        RegistrySettings settings,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var root = state.Root.Signed;
        if (root.Version <= 1)
        {
            return;
        }

        var rootKey = RegistryLayout.RootKey(root.Version);
        DateTimeOffset? published = null;
        await foreach (var item in store.ListAsync(rootKey, cancellationToken).ConfigureAwait(false))
        {
            if (item.Key == rootKey)
            {
                published = item.LastModified;
            }
        }

        var settled = (published ?? DateTimeOffset.MinValue).AddSeconds(settings.TimestampMaxAgeSeconds);
        if (time.GetUtcNow() >= settled)
        {
            return;
        }

        var previousBytes = (await store.GetOrNullAsync(RegistryLayout.RootKey(root.Version - 1), cancellationToken)
            .ConfigureAwait(false))?.Content;
        if (previousBytes is null)
        {
            return;
        }

        var previous = SignedDocument<RootMetadata>.Parse(
            previousBytes,
            RoleNames.Root,
            TufJsonContext.Default.RootMetadata,
            RegistryLayout.RootKey(root.Version - 1)).Signed;
        // A role is held back when its current document is one both roots accept (so clients holding
        // root N-1 use it today) and the new signatures would meet only root N. A document root N
        // refuses (a one-step rotation) is re-signed at once; one root N-1 already refuses changes nothing.
        var newOnly = new List<string>();
        void Check<T>(string role, SignedDocument<T> current, RoleKeys now, RoleKeys before)
            where T : SignedBase
        {
            var usable = MetadataVerifier.CountValidSignatures(current, now, root.Keys) >= now.Threshold
                && MetadataVerifier.CountValidSignatures(current, before, previous.Keys) >= before.Threshold;
            var signers = keys.KeysFor(role, now).Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
            if (usable && before.KeyIds.Distinct(StringComparer.Ordinal).Count(signers.Contains) < before.Threshold)
            {
                newOnly.Add(role);
            }
        }

        Check(
            RoleNames.Timestamp,
            state.Timestamp,
            root.Roles[RoleNames.Timestamp],
            previous.Roles[RoleNames.Timestamp]);
        if (!changes.IsEmpty)
        {
            Check(
                RoleNames.Snapshot,
                state.Snapshot,
                root.Roles[RoleNames.Snapshot],
                previous.Roles[RoleNames.Snapshot]);
        }

        if (changes.ResignTargets)
        {
            Check(RoleNames.Targets, state.Targets, root.Roles[RoleNames.Targets], previous.Roles[RoleNames.Targets]);
        }

        if (changes.BinEdits.Count > 0 || changes.BinsToResign.Count > 0 || changes.NewBins is not null)
        {
            // The bins are signed by the targets role's keys: targets.json stands for them.
            var bins = (changes.NewDelegations ?? state.Targets.Signed.Delegations!).SuccinctRoles;
            Check("bins", state.Targets, new RoleKeys(bins.KeyIds, bins.Threshold), previous.Roles[RoleNames.Targets]);
        }

        if (newOnly.Count > 0)
        {
            throw new ValidationException(Rule,
                $"root {root.Version} was published less than the timestamp max-age ({settings.TimestampMaxAgeSeconds} "
                + $"s) ago and {string.Join(", ", newOnly)} would be signed only by keys it adds: " +
                $"an edge may still answer metadata/{root.Version}.root.json with its cached miss, and a client "
                + $"holding root {root.Version - 1} would refuse this state. " +
                "Run the command again after "
                + $"{settled.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}, or include a "
                + $"key root {root.Version - 1} accepts; nothing was written");
        }
    }
}
