using Registry.Core.Keys.Internal;
using Registry.Core.Settings;
using Registry.Core.Storage;
using Registry.Core.Tuf;

namespace Registry.Core.Keys;

/// <summary>
/// Reads a registry (a store or over HTTP) and reports, per role, its version, expiry, time
/// left, keys and threshold, and which held key files match. A role is a warning when its time
/// left is within its warning window: by default the timestamp's is 1 day and the others' 30
/// days, each at most half the role's configured expiry (so a short-lived role is not always
/// in warning right after it is signed).
/// </summary>
public sealed class StatusReporter(IObjectReader reader, TimeProvider time)
{
    private readonly TimeProvider _time = time;

    /// <param name="warn">Warning windows per role (root, targets, bins, snapshot, timestamp) replacing the
    /// defaults.</param>
    /// <param name="keyFiles">Held key files by key id (from <see cref="KeyFile.ScanFolder"/>), or empty.</param>
    public async Task<StatusReport> ReportAsync(
        IReadOnlyDictionary<string, TimeSpan> warn,
        IReadOnlyDictionary<string, IReadOnlyList<string>> keyFiles,
        CancellationToken cancellationToken)
    {
        var settings = await RegistrySettings.LoadAsync(reader, cancellationToken).ConfigureAwait(false);
        var state = await SigningState.LoadAsync(reader, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var root = state.Root.Signed;

        RoleStatus Status<T>(
            string role,
            SignedDocument<T> document,
            RoleKeys keys,
            IReadOnlyDictionary<string, TufKey> keyValues)
            where T : SignedBase
        {
            var stale = MetadataVerifier.CountValidSignatures(document, keys, keyValues) < keys.Threshold;
            return Describe(role, document.Signed.Version, null, document.Signed.Expires, null, keys, stale);
        }

        RoleStatus Describe(
            string role,
            long version,
            long? maxVersion,
            DateTimeOffset expires,
            DateTimeOffset? latest,
            RoleKeys keys,
            bool stale)
        {
            var left = expires - now;
            var window = warn.GetValueOrDefault(role, new ExpiryWindows(settings).WarningOf(role));
            var health = stale
                ? RoleHealth.StaleKeys
                : left <= TimeSpan.Zero ? RoleHealth.Expired : left <= window ? RoleHealth.Warning : RoleHealth.Ok;
            return new RoleStatus
            {
                Role = role,
                Version = version,
                MaxVersion = maxVersion,
                Expires = expires,
                LatestExpires = latest,
                SecondsLeft = (long)left.TotalSeconds,
                WarnSeconds = (long)window.TotalSeconds,
                Threshold = keys.Threshold,
                KeyIds = keys.KeyIds,
                KeyFiles = [.. keys.KeyIds.SelectMany(id => keyFiles.GetValueOrDefault(id) ?? [])
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)],
                Health = health,
                Note = health switch
                {
                    RoleHealth.StaleKeys => $"not signed by the keys root version {root.Version} lists; run 'registry "
                        + "refresh' with the new keys",
                    RoleHealth.Expired => role == RoleNames.Root
                        ? "expired: rotate the root ('registry root propose')"
                        : "expired: run 'registry refresh' with its key",
                    RoleHealth.Warning => role == RoleNames.Root
                        ? "expires soon: rotate the root ('registry root propose')"
                        : "expires soon: is 'registry refresh' running, with this role's key?",
                    _ => null,
                },
            };
        }

        var roles = new List<RoleStatus>
        {
            Status(RoleNames.Root, state.Root, root.Roles[RoleNames.Root], root.Keys),
            Status(RoleNames.Targets, state.Targets, root.Roles[RoleNames.Targets], root.Keys),
        };

        var bins = new System.Collections.Concurrent.ConcurrentBag<SignedDocument<TargetsMetadata>>();
        await Parallel.ForEachAsync(
            state.Bins.AllNames(),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (bin, ct) => bins.Add(await state.GetBinAsync(bin, ct).ConfigureAwait(false))).ConfigureAwait(false);
        var delegation = state.Targets.Signed.Delegations!;
        var binKeys = new RoleKeys(delegation.SuccinctRoles.KeyIds, delegation.SuccinctRoles.Threshold);
        var wanted = KeyChangePlanner.DelegationFor(root, delegation.SuccinctRoles);
        var binsStale = !wanted.SuccinctRoles.KeyIds.ToHashSet(StringComparer.Ordinal).SetEquals(binKeys.KeyIds)
            || wanted.SuccinctRoles.Threshold != binKeys.Threshold;
        roles.Add(Describe(
            "bins",
            bins.Min(b => b.Signed.Version),
            bins.Max(b => b.Signed.Version),
            bins.Min(b => b.Signed.Expires),
            bins.Max(b => b.Signed.Expires),
            binKeys,
            binsStale));
        roles.Add(Status(RoleNames.Snapshot, state.Snapshot, root.Roles[RoleNames.Snapshot], root.Keys));
        roles.Add(Status(RoleNames.Timestamp, state.Timestamp, root.Roles[RoleNames.Timestamp], root.Keys));
        return new StatusReport(reader.Location, now, root.Version, roles);
    }
}
