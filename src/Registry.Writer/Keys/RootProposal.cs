using Registry.Core.Settings;
using Registry.Core.Tuf;

namespace Registry.Core.Keys;

/// <summary>Changes to the keys and thresholds of a root, as <c>registry root propose</c> takes them.</summary>
public sealed record RootEdits
{
    /// <summary>Keys to add to a role (a key may serve several roles).</summary>
    public IReadOnlyList<(string Role, TufKey Key)> AddKeys { get; init; } = [];

    /// <summary>Keys to remove from a role: a key id or a unique prefix of at least 8 hex digits.</summary>
    public IReadOnlyList<(string Role, string KeyId)> RemoveKeys { get; init; } = [];

    public IReadOnlyDictionary<string, int> Thresholds { get; init; } = new Dictionary<string, int>();

    /// <summary>How long the new root lasts from now: 1 day to 10 years.</summary>
    public required TimeSpan Expires { get; init; }
}

/// <summary>
/// Builds the unsigned proposal for root version N+1 from root N and a set of edits, checking
/// that every role keeps at least its threshold of keys. Keys no role uses any more leave the
/// root's key list. Nothing is signed here: <c>registry root sign</c> adds signatures, on the
/// key holders' machines.
/// </summary>
public static class RootProposal
{
    public static SignedDocument<RootMetadata> Propose(RootMetadata current, RootEdits edits, DateTimeOffset now)
    {
        if (edits.Expires < TimeSpan.FromDays(1) || edits.Expires > TimeSpan.FromDays(RegistrySettings.MaxExpiryDays))
        {
            throw new EnvironmentException(Rules.ExpiryBounds, $"--expires {Durations.Format(edits.Expires)}: a root "
                + $"must last at least 1 day and at most {RegistrySettings.MaxExpiryDays} days (10 years)");
        }

        var keys = new Dictionary<string, TufKey>(current.Keys, StringComparer.Ordinal);
        var roles = current.Roles.ToDictionary(
            r => r.Key,
            r => (Ids: r.Value.KeyIds.Distinct(StringComparer.Ordinal).ToList(), r.Value.Threshold),
            StringComparer.Ordinal);
        foreach (var (role, keyId) in edits.RemoveKeys)
        {
            var ids = RoleOf(roles, role).Ids;
            var matches = ids.Where(id => keyId.Length >= 8 && id.StartsWith(keyId, StringComparison.OrdinalIgnoreCase))
                .ToList();
            if (matches.Count != 1)
            {
                throw new EnvironmentException(matches.Count == 0
                    ? $"--remove-key {role}={keyId}: the {role} role has no key with that id (its keys: "
                        + $"{string.Join(", ", ids.Select(SigningKey.ShortId))}; give at least 8 hex digits)"
                    : $"--remove-key {role}={keyId}: the prefix matches {matches.Count} keys of the {role} role; give "
                        + "more digits");
            }

            ids.Remove(matches[0]);
        }

        foreach (var (role, key) in edits.AddKeys)
        {
            var ids = RoleOf(roles, role).Ids;
            var id = SigningKey.KeyIdOf(key);
            if (ids.Contains(id))
            {
                throw new EnvironmentException(
                    $"--add-key {role}=...: key {SigningKey.ShortId(id)} is already a {role} key");
            }

            ids.Add(id);
            keys[id] = key;
        }

        foreach (var (role, threshold) in edits.Thresholds)
        {
            var entry = RoleOf(roles, role);
            roles[role] = (entry.Ids, threshold);
        }

        foreach (var (role, (ids, threshold)) in roles)
        {
            if (threshold < 1 || threshold > ids.Count)
            {
                throw new EnvironmentException(ids.Count == 0
                    ? $"the {role} role would have no keys; add one with --add-key {role}=KEY.pub"
                    : $"the {role} role would have {ids.Count} key(s) and threshold {threshold}; a threshold is "
                        + $"between 1 and the number of keys (--threshold {role}=N)");
            }
        }

        var used = roles.Values.SelectMany(r => r.Ids).ToHashSet(StringComparer.Ordinal);
        var next = current with
        {
            Version = current.Version + 1,
            Expires = TruncateToSeconds(now + edits.Expires),
            Keys = new SortedDictionary<string, TufKey>(
                keys.Where(k => used.Contains(k.Key)).ToDictionary(),
                StringComparer.Ordinal),
            Roles = new SortedDictionary<string, RoleKeys>(
                roles.ToDictionary(r => r.Key, r => new RoleKeys(r.Value.Ids, r.Value.Threshold)),
                StringComparer.Ordinal),
        };
        return SignedDocument<RootMetadata>.Create(next, [], TufJsonContext.Default.RootMetadata);
    }

    /// <summary>One line per role whose keys or threshold differ between two roots, for people deciding whether to
    /// sign.</summary>
    public static IReadOnlyList<string> Describe(RootMetadata before, RootMetadata after)
    {
        var lines = new List<string>();
        foreach (var role in after.Roles.Keys.Union(before.Roles.Keys).Order(StringComparer.Ordinal))
        {
            var old = before.Roles.GetValueOrDefault(role) ?? new RoleKeys([], 0);
            var now = after.Roles.GetValueOrDefault(role) ?? new RoleKeys([], 0);
            var added = now.KeyIds.Except(old.KeyIds).Select(id => "+" + SigningKey.ShortId(id));
            var removed = old.KeyIds.Except(now.KeyIds).Select(id => "-" + SigningKey.ShortId(id));
            var keyChanges = added.Concat(removed).ToList();
            if (keyChanges.Count > 0 || old.Threshold != now.Threshold)
            {
                lines.Add($"{role}: {string.Join(" ", keyChanges.DefaultIfEmpty("same keys"))}; threshold "
                    + $"{old.Threshold} -> {now.Threshold} of {now.KeyIds.Count}");
            }
        }

        return lines;
    }

    /// <summary>One line per role: its threshold and key ids.</summary>
    public static IReadOnlyList<string> Summarize(RootMetadata root) =>
        [.. root.Roles.OrderBy(r => r.Key, StringComparer.Ordinal).Select(
            r => $"{r.Key}: {r.Value.Threshold} of {string.Join(", ", r.Value.KeyIds.Select(SigningKey.ShortId))}")];

    /// <summary>The first 12 hex digits of a key id, as messages show it.</summary>
    private static (List<string> Ids, int Threshold) RoleOf(
        Dictionary<string, (List<string> Ids, int Threshold)> roles,
        string role) =>
        roles.TryGetValue(role, out var entry)
            ? entry
            : throw new EnvironmentException($"'{role}' is not a role of the root; the roles are "
                + $"{string.Join(", ", roles.Keys.Order(StringComparer.Ordinal))}");

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time)
        => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
